// The web player's behaviour. Without this script the page is still a list of links to the
// chapter audio and the leaflet's text; with it, one audio element plays the chapters in
// order, with shortcuts, announcements for screen readers, a remembered position, and the
// text highlighted as it is read.
// Plain ES5-era DOM code on purpose: no modules (they fail from file://), no build step.
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('book-data').textContent);
  var text = data.text;
  var chapters = data.chapters;
  var RATES = [0.75, 1, 1.25, 1.5, 1.75, 2];
  var SKIP_S = 10;
  var SAVE_EVERY_MS = 2000;
  // Positions are kept per leaflet; the file name checks the chapter still exists.
  var POSITION_KEY = 'audio-leaflet:position:' + data.identifier;
  var PREFERENCES_KEY = 'audio-leaflet:preferences';

  function byId(id) { return document.getElementById(id); }
  var audio = byId('audio');
  var playButton = byId('play');
  var now = byId('now');
  var notice = byId('notice');
  var seek = byId('seek');
  var elapsed = byId('elapsed');
  var durationText = byId('duration');
  var speed = byId('speed');
  var keysOn = byId('keys-on');
  var resumePanel = byId('resume');
  var links = Array.prototype.slice.call(document.querySelectorAll('a.chapter'));
  var root = document.documentElement;
  var reading = byId('reading');
  var textPanel = byId('text');
  var passageLinks = Array.prototype.slice.call(document.querySelectorAll('a.passage'));
  var toggles = { text: byId('show-text'), large: byId('large-text'), contrast: byId('high-contrast') };

  var current = 0;
  var pendingSeek = null;
  var lastSave = 0;
  var preferences = readJson(PREFERENCES_KEY) || {};
  var rate = RATES.indexOf(preferences.rate) >= 0 ? preferences.rate : 1;
  var shortcutsOn = preferences.shortcuts !== false;
  var display = {
    text: preferences.text !== false,
    large: preferences.large === true,
    contrast: typeof preferences.contrast === 'boolean' ? preferences.contrast : prefers('(prefers-contrast: more)')
  };

  // localStorage throws in some private modes and for some file:// pages: the player
  // then works without remembering.
  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  function readJson(key) {
    var s = storage();
    if (!s) { return null; }
    try { return JSON.parse(s.getItem(key)); } catch (e) { return null; }
  }
  function writeJson(key, value) {
    var s = storage();
    if (!s) { return; }
    try { s.setItem(key, JSON.stringify(value)); } catch (e) { /* full or refused */ }
  }
  function forget(key) {
    var s = storage();
    if (!s) { return; }
    try { s.removeItem(key); } catch (e) { /* refused */ }
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }
  function clamp(x, lo, hi) { return Math.min(Math.max(x, lo), hi); }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function clock(secs) {
    var s = Math.max(0, Math.floor(secs));
    var h = Math.floor(s / 3600);
    var m = Math.floor(s / 60) % 60;
    return (h ? h + ':' + pad(m) : String(m)) + ':' + pad(s % 60);
  }
  // The same words as the chapter list's hidden durations (rendered in Rust).
  function spoken(secs) {
    var s = Math.max(0, Math.round(secs));
    var parts = [];
    var units = [[Math.floor(s / 3600), text.hour, text.hours],
                 [Math.floor(s / 60) % 60, text.minute, text.minutes]];
    units.forEach(function (u) {
      if (u[0] > 0) { parts.push(u[0] + ' ' + (u[0] === 1 ? u[1] : u[2])); }
    });
    if (s % 60 > 0 || parts.length === 0) {
      parts.push((s % 60) + ' ' + (s % 60 === 1 ? text.second : text.seconds));
    }
    return parts.join(' ');
  }
  function say(message) { notice.textContent = message; }
  function prefers(query) { return !!(window.matchMedia && window.matchMedia(query).matches); }

  function chapterLength() {
    return isFinite(audio.duration) && audio.duration > 0
      ? audio.duration : chapters[current].duration_s;
  }

  // Chapter files are ASCII slugs; encoding keeps any other name a relative URL.
  function href(chapter) { return encodeURIComponent(chapter.file); }

  function load(index, at, play) {
    current = clamp(index, 0, chapters.length - 1);
    var chapter = chapters[current];
    if (audio.getAttribute('src') !== href(chapter)) {
      audio.src = href(chapter);
    }
    // A new source resets playbackRate to defaultPlaybackRate: set both.
    audio.defaultPlaybackRate = rate;
    audio.playbackRate = rate;
    seekTo(at || 0);
    showChapter();
    save(true);
    if (play) { start(); }
  }

  function seekTo(secs) {
    if (audio.readyState >= 1) {
      audio.currentTime = secs;
      pendingSeek = null;
    } else {
      pendingSeek = secs;
    }
    showTime(secs);
    follow();
  }

  function start() {
    var playing = audio.play();
    if (playing && playing.catch) {
      playing.catch(function (e) {
        // A newer load interrupted this play(): not an error for the listener.
        if (e.name !== 'AbortError') { say(fill(text.cannot_play, { file: chapters[current].file })); }
      });
    }
  }

  function showChapter() {
    var chapter = chapters[current];
    var message = fill(text.now_playing, { n: chapter.index, total: chapters.length, title: chapter.title });
    // Rewriting the same words would announce them again.
    if (now.textContent !== message) { now.textContent = message; }
    links.forEach(function (link, i) {
      if (i === current) { link.setAttribute('aria-current', 'true'); } else { link.removeAttribute('aria-current'); }
    });
    if (links[current]) { keepInList(links[current]); }
    seek.max = String(Math.round(chapter.duration_s));
    durationText.textContent = clock(Math.round(chapter.duration_s));
  }

  // Beside the text the chapter list scrolls on its own: keep the current chapter in it in
  // view, without scrolling the page.
  function keepInList(link) {
    var list = link.closest('nav');
    if (!list || list.scrollHeight <= list.clientHeight) { return; }
    var l = link.getBoundingClientRect();
    var n = list.getBoundingClientRect();
    if (l.top < n.top) { list.scrollTop -= n.top - l.top; } else if (l.bottom > n.bottom) { list.scrollTop += l.bottom - n.bottom; }
  }

  function showTime(secs) {
    var total = chapterLength();
    seek.value = String(Math.floor(secs));
    seek.setAttribute('aria-valuetext', fill(text.position_text, { elapsed: spoken(Math.floor(secs)), total: spoken(total) }));
    elapsed.textContent = clock(secs);
  }

  function save(force) {
    var t = Date.now();
    if (!force && t - lastSave < SAVE_EVERY_MS) { return; }
    lastSave = t;
    var at = pendingSeek !== null ? pendingSeek : audio.currentTime;
    writeJson(POSITION_KEY, { index: current, file: chapters[current].file, time: Math.round(at * 10) / 10 });
  }

  function savedPosition() {
    var saved = readJson(POSITION_KEY);
    if (!saved || typeof saved.time !== 'number' || !(saved.time >= 0)) { return null; }
    for (var i = 0; i < chapters.length; i++) {
      if (chapters[i].file === saved.file) {
        return { index: i, time: Math.min(saved.time, Math.max(0, chapters[i].duration_s - 1)) };
      }
    }
    return null;  // the leaflet changed: its chapters are not the ones remembered
  }

  // Reading along. Each chapter's passages in time order, with their times as numbers.
  var passages = passageLinks.map(function (el) {
    return {
      el: el,
      chapter: Number(el.getAttribute('data-chapter')),
      start: Number(el.getAttribute('data-start')),
      end: Number(el.getAttribute('data-end'))
    };
  });
  var passagesOf = chapters.map(function () { return []; });
  passages.forEach(function (p) { if (passagesOf[p.chapter]) { passagesOf[p.chapter].push(p); } });
  var speaking = null;   // the passage marked as being read
  var revealPending = false;
  var frame = 0;         // the requestAnimationFrame that follows the audio while it plays
  var tabStop = passageLinks[0] || null;
  // A seek to a passage's start may land a hair before it.
  var EARLY_S = 0.02;

  // A passage is being read from its start until the next one starts: the pause after it
  // stays with it, so the highlight does not blink off between sentences.
  function passageAt(index, t) {
    var list = passagesOf[index] || [];
    var found = null;
    for (var i = 0; i < list.length && list[i].start <= t + EARLY_S; i++) { found = list[i]; }
    return found;
  }
  function onScreen(el) {
    var r = el.getBoundingClientRect();
    return r.height > 0 && r.bottom > 0 && r.top < window.innerHeight;
  }
  function wholeOnScreen(el) {
    var r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  }
  function reveal(el) {
    var tall = el.getBoundingClientRect().height > window.innerHeight * 0.6;
    el.scrollIntoView({
      block: tall ? 'start' : 'center',
      behavior: prefers('(prefers-reduced-motion: reduce)') ? 'auto' : 'smooth'
    });
  }
  // The passage being read is marked for eyes (a class) and for screen readers that are on
  // it (aria-current, which is not announced as it moves). The page scrolls to keep it in
  // view only while the reader follows it: when the last one was on screen, and never
  // while paused, so a listener who scrolled away to read elsewhere is left there.
  function follow() {
    var p = passageAt(current, pendingSeek !== null ? pendingSeek : audio.currentTime);
    if (p !== speaking) {
      var following = speaking ? onScreen(speaking.el) : onScreen(textPanel);
      if (speaking) {
        speaking.el.classList.remove('speaking');
        speaking.el.removeAttribute('aria-current');
      }
      speaking = p;
      revealPending = following && p !== null;
      if (p) {
        p.el.classList.add('speaking');
        p.el.setAttribute('aria-current', 'true');
        if (!textPanel.contains(document.activeElement)) { setTabStop(p.el); }
      }
    }
    if (revealPending && !audio.paused) {
      revealPending = false;
      if (!wholeOnScreen(speaking.el)) { reveal(speaking.el); }
    }
  }
  // Every animation frame while playing, since timeupdate comes only every 250 ms or so.
  function tick() {
    frame = 0;
    follow();
    if (!audio.paused) { frame = window.requestAnimationFrame(tick); }
  }
  function keepFollowing() {
    if (!frame) { frame = window.requestAnimationFrame(tick); }
  }
  // One passage is in the tab order (the one being read, or the last one focused); the arrow
  // keys move between them, so the text is one Tab stop, not hundreds.
  function setTabStop(el) {
    if (tabStop === el) { return; }
    if (tabStop) { tabStop.tabIndex = -1; }
    el.tabIndex = 0;
    tabStop = el;
  }
  function playFrom(p) {
    resumePanel.hidden = true;
    if (p.chapter !== current) {
      load(p.chapter, p.start, true);
    } else {
      seekTo(p.start);
      save(true);
      start();
    }
  }
  function passageFor(el) {
    var i = passageLinks.indexOf(el);
    return i >= 0 ? passages[i] : null;
  }

  function showDisplay() {
    textPanel.hidden = !display.text;
    reading.classList.toggle('text-off', !display.text);
    root.classList.toggle('large-text', display.large);
    root.classList.toggle('high-contrast', display.contrast);
    Object.keys(toggles).forEach(function (name) {
      toggles[name].setAttribute('aria-pressed', display[name] ? 'true' : 'false');
    });
  }
  function toggleDisplay(name) {
    display[name] = !display[name];
    preferences[name] = display[name];
    writeJson(PREFERENCES_KEY, preferences);
    showDisplay();
  }

  function togglePlay() {
    if (audio.paused) { start(); } else { audio.pause(); }
  }
  function next() { if (current < chapters.length - 1) { load(current + 1, 0, true); } }
  function previous() { if (current > 0) { load(current - 1, 0, true); } }
  function skip(delta) {
    var target = audio.currentTime + delta;
    if (delta > 0 && target >= chapterLength() && current < chapters.length - 1) {
      load(current + 1, 0, !audio.paused);
      return;
    }
    seekTo(clamp(target, 0, chapterLength()));
    save(true);
  }
  function setRate(r, announce) {
    rate = r;
    audio.defaultPlaybackRate = r;
    audio.playbackRate = r;
    speed.value = String(r);
    preferences.rate = r;
    writeJson(PREFERENCES_KEY, preferences);
    if (announce) { say(fill(text.speed_now, { rate: String(r) })); }
  }
  function stepRate(step) {
    var i = clamp(RATES.indexOf(rate) + step, 0, RATES.length - 1);
    if (RATES[i] !== rate) { setRate(RATES[i], true); }
  }

  // Keys that the focused control needs for itself keep their usual meaning.
  function controlOwnsKey(el, key) {
    var tag = el.tagName;
    var arrow = key.indexOf('Arrow') === 0;
    if (el.isContentEditable || tag === 'TEXTAREA') { return true; }
    if (tag === 'INPUT') {
      if (el.type === 'range') { return arrow; }
      if (el.type === 'checkbox' || el.type === 'radio') { return key === ' ' || arrow; }
      return true;
    }
    if (tag === 'SELECT') { return key === ' ' || arrow; }
    if (tag === 'BUTTON' || tag === 'SUMMARY') { return key === ' '; }
    return false;
  }

  var actions = {
    ' ': togglePlay, k: togglePlay,
    n: next, p: previous,
    l: function () { skip(SKIP_S); }, arrowright: function () { skip(SKIP_S); },
    j: function () { skip(-SKIP_S); }, arrowleft: function () { skip(-SKIP_S); },
    ']': function () { stepRate(1); }, '[': function () { stepRate(-1); }
  };

  document.addEventListener('keydown', function (e) {
    if (!shortcutsOn || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) { return; }
    var action = actions[e.key.toLowerCase()];
    if (!action || controlOwnsKey(e.target, e.key)) { return; }
    e.preventDefault();
    action();
  });

  links.forEach(function (link, i) {
    link.addEventListener('click', function (e) {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) { return; }  // new tab: the file itself
      e.preventDefault();
      resumePanel.hidden = true;
      load(i, 0, true);
    });
  });

  textPanel.addEventListener('click', function (e) {
    var p = passageFor(e.target.closest ? e.target.closest('a.passage') : null);
    if (!p || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) { return; }  // new tab: the audio there
    e.preventDefault();
    setTabStop(p.el);
    playFrom(p);
  });
  // Enter on a passage is a click (it is a link); Space plays from it too, as on a button.
  textPanel.addEventListener('keydown', function (e) {
    var i = passageLinks.indexOf(e.target);
    if (i < 0 || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey || e.isComposing) { return; }
    var to = { ArrowDown: i + 1, ArrowUp: i - 1 }[e.key];
    if (e.key === ' ') {
      e.preventDefault();
      playFrom(passages[i]);
    } else if (to !== undefined) {
      e.preventDefault();
      if (to >= 0 && to < passageLinks.length) {
        setTabStop(passageLinks[to]);
        passageLinks[to].focus();
      }
    }
  });
  textPanel.addEventListener('focusin', function (e) {
    if (passageLinks.indexOf(e.target) >= 0) { setTabStop(e.target); }
  });
  Object.keys(toggles).forEach(function (name) {
    toggles[name].addEventListener('click', function () { toggleDisplay(name); });
  });

  playButton.addEventListener('click', togglePlay);
  byId('next').addEventListener('click', next);
  byId('previous').addEventListener('click', previous);
  byId('forward').addEventListener('click', function () { skip(SKIP_S); });
  byId('back').addEventListener('click', function () { skip(-SKIP_S); });
  speed.addEventListener('change', function () { setRate(Number(speed.value), false); });
  seek.addEventListener('input', function () { seekTo(Number(seek.value)); save(true); });
  keysOn.addEventListener('change', function () {
    shortcutsOn = keysOn.checked;
    preferences.shortcuts = shortcutsOn;
    writeJson(PREFERENCES_KEY, preferences);
    say(shortcutsOn ? text.shortcuts_on : text.shortcuts_off);
  });
  byId('resume-yes').addEventListener('click', function () {
    resumePanel.hidden = true;
    start();
  });
  byId('resume-no').addEventListener('click', function () {
    resumePanel.hidden = true;
    forget(POSITION_KEY);
    load(0, 0, true);
  });

  audio.addEventListener('loadedmetadata', function () {
    if (pendingSeek !== null) {
      audio.currentTime = Math.min(pendingSeek, audio.duration || pendingSeek);
      pendingSeek = null;
    }
  });
  audio.addEventListener('play', function () {
    playButton.textContent = text.pause;
    resumePanel.hidden = true;
    keepFollowing();
  });
  audio.addEventListener('pause', function () {
    playButton.textContent = text.play;
    save(true);
    follow();
  });
  audio.addEventListener('timeupdate', function () {
    if (pendingSeek === null) { showTime(audio.currentTime); }
    if (!audio.paused) { save(false); }
    follow();
  });
  audio.addEventListener('seeked', follow);
  audio.addEventListener('ended', function () {
    if (current < chapters.length - 1) {
      load(current + 1, 0, true);
    } else {
      forget(POSITION_KEY);
      say(text.finished);
    }
  });
  audio.addEventListener('error', function () {
    say(fill(text.cannot_play, { file: chapters[current].file }));
  });
  function saveNow() { save(true); }
  window.addEventListener('pagehide', saveNow);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') { saveNow(); }
  });

  speed.value = String(rate);
  keysOn.checked = shortcutsOn;
  passageLinks.forEach(function (el) { el.tabIndex = el === tabStop ? 0 : -1; });
  byId('text-hint').hidden = false;
  showDisplay();
  byId('player').hidden = false;
  byId('shortcuts').hidden = false;
  if (chapters.length === 0) { return; }

  var saved = savedPosition();
  if (saved && (saved.index > 0 || saved.time >= 3)) {
    load(saved.index, saved.time, false);
    byId('resume-text').textContent = fill(saved.time >= 1 ? text.resume_prompt : text.resume_prompt_start, {
      n: chapters[saved.index].index, title: chapters[saved.index].title, time: spoken(saved.time)
    });
    resumePanel.hidden = false;
  } else {
    load(0, 0, false);
  }
}());
