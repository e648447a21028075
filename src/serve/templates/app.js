// The staff pages' small enhancements; every page works without them.
// - Leaflets: files dropped on the upload area are uploaded; statuses follow the builds.
// - One leaflet: the build's progress, live; "Hear it" plays the preview in the page.
(function () {
  'use strict';
  const page = document.body.dataset.page;

  function dropZone() {
    const zone = document.getElementById('drop');
    const input = document.getElementById('files');
    const form = document.getElementById('upload');
    if (!zone || !input || !form) return;
    zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      if (!e.dataTransfer || !e.dataTransfer.files.length) return;
      input.files = e.dataTransfer.files;
      form.requestSubmit();
    });
  }

  function minutes(s) {
    if (s == null) return '';
    const m = Math.floor(s / 60);
    return m > 0 ? `about ${m} min ${Math.round(s % 60)} s left` : `about ${Math.round(s)} s left`;
  }

  async function leafletStatuses() {
    const r = await fetch('/api/leaflets', { headers: { Accept: 'application/json' } });
    if (!r.ok) return [];
    return (await r.json()).leaflets;
  }

  const unfinished = (state) => state === 'building' || state === 'queued';

  // Events are only heard while connected: a build that ended between the page being made and
  // its connection opening (or while it was reconnecting) is caught up on when it opens.
  function followList() {
    const events = new EventSource('/events');
    let pending = false;
    const refresh = () => {
      if (pending) return;
      pending = true;
      setTimeout(async () => {
        pending = false;
        for (const l of await leafletStatuses()) {
          const cell = document.querySelector(`[data-status="${CSS.escape(l.id)}"]`);
          if (cell && cell.textContent !== l.status_text) {
            cell.textContent = l.status_text;
            cell.className = `status status-${l.status}`;
          }
        }
      }, 500);
    };
    events.onopen = refresh;
    events.onmessage = refresh;
  }

  function followBuild() {
    const id = document.body.dataset.id;
    const status = document.getElementById('build-status');
    const line = document.getElementById('build-progress-line');
    const bar = document.getElementById('build-progress');
    const eta = document.getElementById('build-eta');
    const cancel = document.getElementById('cancel-form');
    const events = new EventSource('/events');
    let ended = false;
    // The build ended (`state` built, failed, cancelled or interrupted): say so, then reload.
    const end = (state, message) => {
      if (ended) return;
      ended = true;
      events.close();
      status.textContent = state === 'built' ? 'Built: loading the player…' : `Stopped: ${message || state}`;
      setTimeout(() => { window.location.hash = 'build'; window.location.reload(); }, 300);
    };
    events.onopen = async () => {
      if (!unfinished(status.dataset.state)) return;
      const l = (await leafletStatuses()).find((x) => x.id === id);
      if (l && !unfinished(l.status)) end(l.status, l.status_text);
    };
    events.onmessage = (m) => {
      const e = JSON.parse(m.data);
      if (!e.ids.includes(id)) return;
      status.dataset.state = e.state;
      if (e.state === 'building') {
        line.hidden = false;
        cancel.hidden = false;
        bar.max = e.total;
        bar.value = e.done;
        eta.textContent = minutes(e.eta_s);
        status.textContent = `Being built: ${e.done} of ${e.total} chapters`;
      } else if (e.state === 'queued') {
        cancel.hidden = false;
        status.textContent = e.message ? `Waiting: ${e.message}` : 'Waiting for another build to finish';
      } else {
        end(e.state, e.message);
      }
    };
  }

  function hearButtons() {
    for (const button of document.querySelectorAll('button.hear')) {
      button.addEventListener('click', async (e) => {
        e.preventDefault();
        const form = button.form;
        const params = new URLSearchParams(new FormData(form));
        const url = `${button.getAttribute('formaction')}?${params}`;
        let audio = form.querySelector('audio');
        let said = form.querySelector('.said');
        if (!audio) {
          audio = document.createElement('audio');
          audio.controls = true;
          said = document.createElement('p');
          said.className = 'said hint';
          said.setAttribute('role', 'status');
          form.append(said, audio);
        }
        said.textContent = 'Making the preview…';
        const r = await fetch(url);
        if (!r.ok) {
          const body = await r.json().catch(() => ({}));
          said.textContent = body.error || 'The preview could not be made.';
          return;
        }
        said.textContent = `Says: ${r.headers.get('x-spoken') || ''}`;
        audio.src = URL.createObjectURL(await r.blob());
        audio.play().catch(() => {});
      });
    }
  }

  if (page === 'leaflets') { dropZone(); followList(); }
  if (page === 'leaflet') { followBuild(); hearButtons(); }
})();
