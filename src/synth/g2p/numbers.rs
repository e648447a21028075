//! English number words, as num2words spells them (the subset misaki's
//! number reading needs): cardinals, ordinals, years and decimals. The caller
//! splits the result on anything that is not a letter.

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const SCALES: [&str; 12] = [
    "",
    "thousand",
    "million",
    "billion",
    "trillion",
    "quadrillion",
    "quintillion",
    "sextillion",
    "septillion",
    "octillion",
    "nonillion",
    "decillion",
];

/// 0..=999 as words, with "and" after the hundreds.
fn below_thousand(mut n: u128, words: &mut Vec<String>) {
    let start = words.len();
    if n >= 100 {
        words.push(ONES[(n / 100) as usize].to_string());
        words.push("hundred".to_string());
        n %= 100;
        if n > 0 {
            words.push("and".to_string());
        }
    }
    if n >= 20 {
        let mut w = TENS[(n / 10) as usize].to_string();
        if !n.is_multiple_of(10) {
            w.push('-');
            w.push_str(ONES[(n % 10) as usize]);
        }
        words.push(w);
    } else if n > 0 || words.len() == start {
        words.push(ONES[n as usize].to_string());
    }
}

fn group_words(n: u128) -> String {
    let mut w = Vec::new();
    below_thousand(n, &mut w);
    w.join(" ")
}

/// "one thousand, two hundred and thirty-four".
pub fn cardinal(n: u128) -> String {
    if n < 1000 {
        return group_words(n);
    }
    let mut groups = Vec::new();
    let mut rest = n;
    let mut scale = 0;
    while rest > 0 {
        let g = rest % 1000;
        rest /= 1000;
        if g > 0 {
            let mut s = group_words(g);
            if scale > 0 {
                s.push(' ');
                s.push_str(SCALES.get(scale).copied().unwrap_or("decillion"));
            }
            groups.push(s);
        }
        scale += 1;
    }
    groups.reverse();
    let last = groups.last().cloned().unwrap_or_default();
    let tail = last.rsplit(" and ").next().unwrap_or("");
    if groups.len() > 1 && !tail.contains(' ') && !last.contains("hundred") {
        let head = groups[..groups.len() - 1].join(", ");
        return format!("{head} and {last}");
    }
    groups.join(", ")
}

/// A cardinal given as decimal digits; `None` when it is too big to read.
pub fn cardinal_str(digits: &str) -> Option<String> {
    digits.parse::<u128>().ok().map(cardinal)
}

fn ordinal_word(w: &str) -> String {
    match w {
        "one" => "first".into(),
        "two" => "second".into(),
        "three" => "third".into(),
        "five" => "fifth".into(),
        "eight" => "eighth".into(),
        "nine" => "ninth".into(),
        "twelve" => "twelfth".into(),
        _ => match w.strip_suffix('y') {
            Some(stem) => format!("{stem}ieth"),
            None => format!("{w}th"),
        },
    }
}

/// "twenty-third", "one hundred and first".
pub fn ordinal(n: u128) -> String {
    let c = cardinal(n);
    let (head, last) = match c.rfind(' ') {
        Some(i) => (&c[..=i], &c[i + 1..]),
        None => ("", c.as_str()),
    };
    let last = match last.rfind('-') {
        Some(i) => format!("{}-{}", &last[..i], ordinal_word(&last[i + 1..])),
        None => ordinal_word(last),
    };
    format!("{head}{last}")
}

/// "nineteen oh-five", "two thousand and five", "twenty ten".
pub fn year(n: u128) -> String {
    let (high, low) = (n / 100, n % 100);
    if high == 0 || (high % 10 == 0 && low < 10) || high >= 100 {
        return cardinal(n);
    }
    let low = match low {
        0 => "hundred".to_string(),
        1..=9 => format!("oh-{}", cardinal(low)),
        _ => cardinal(low),
    };
    format!("{} {low}", cardinal(high))
}

/// "3.14" -> "three point one four"; trailing zeros dropped as float() would.
pub fn decimal(s: &str) -> String {
    let (ip, fp) = s.split_once('.').unwrap_or((s, ""));
    let fp = fp.trim_end_matches('0');
    let mut words = cardinal(ip.parse().unwrap_or(0));
    if !fp.is_empty() {
        words.push_str(" point");
        for c in fp.chars() {
            words.push(' ');
            words.push_str(ONES[c.to_digit(10).unwrap_or(0) as usize]);
        }
    }
    words
}
