// A self-contained accessibility check, run in the page by the browser tests.
// It covers what the WCAG 2.2 AA rules say about our pages and can be checked in the
// rendered DOM: language and title, one h1 and no skipped heading levels, landmarks,
// names of form controls, links and buttons, image alternatives, unique ids, text
// contrast (4.5:1, 3:1 for large text) and, with `minTarget`, target sizes (24x24 px).
// Returns a list of problems, each "rule: where: what".
(options) => {
  const minTarget = (options && options.minTarget) || 0;
  const problems = [];
  const where = (el) => {
    const id = el.id ? "#" + el.id : "";
    const cls = el.getAttribute("class") ? "." + el.getAttribute("class").trim().split(/\s+/).join(".") : "";
    const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return `<${el.tagName.toLowerCase()}${id}${cls}> "${text}"`;
  };
  const shown = (el) => {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden") return false;
      if (node.tagName === "DETAILS" && !node.open && node !== el && !el.closest("summary")) {
        return false;
      }
    }
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const srOnly = (el) => !!el.closest(".visually-hidden");
  const hidden = (el) => !!el.closest("[aria-hidden=true]");

  const textOf = (el) => {
    if (el.nodeType === 3) return el.textContent;
    if (el.nodeType !== 1 || el.getAttribute("aria-hidden") === "true") return "";
    if (el.tagName === "IMG") return el.getAttribute("alt") || "";
    return Array.from(el.childNodes).map(textOf).join("");
  };
  const accessibleName = (el) => {
    const labelledby = el.getAttribute("aria-labelledby");
    if (labelledby) {
      return labelledby.split(/\s+/).map((id) => {
        const target = document.getElementById(id);
        return target ? textOf(target) : "";
      }).join(" ").trim();
    }
    const label = el.getAttribute("aria-label");
    if (label && label.trim()) return label.trim();
    if (el.labels && el.labels.length) {
      return Array.from(el.labels).map(textOf).join(" ").trim();
    }
    if (["BUTTON", "A", "SUMMARY"].includes(el.tagName) || el.namespaceURI.endsWith("svg")) {
      const text = textOf(el).trim();
      if (text) return text;
    }
    if (el.tagName === "INPUT" && ["submit", "button"].includes(el.type)) return el.value;
    return (el.getAttribute("title") || "").trim();
  };

  // language and title
  if (!document.documentElement.lang) problems.push("html-lang: <html>: no lang");
  if (!document.title.trim()) problems.push("document-title: <title>: empty");

  // headings
  const headings = Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"));
  const h1s = headings.filter((h) => h.tagName === "H1");
  if (h1s.length !== 1) problems.push(`page-has-one-h1: page: ${h1s.length} h1 elements`);
  let previous = 0;
  for (const h of headings) {
    const level = Number(h.tagName[1]);
    if (previous && level > previous + 1) problems.push(`heading-order: ${where(h)}: h${previous} then h${level}`);
    if (!textOf(h).trim()) problems.push(`empty-heading: ${where(h)}: no text`);
    previous = level;
  }

  // landmarks: one main, a banner and a contentinfo, every visible text inside a landmark
  const mains = document.querySelectorAll("main, [role=main]");
  if (mains.length !== 1) problems.push(`landmark-one-main: page: ${mains.length} main elements`);
  if (!document.querySelector("body > header")) problems.push("landmark-banner: page: no header");
  if (!document.querySelector("body > footer")) problems.push("landmark-contentinfo: page: no footer");
  for (const nav of document.querySelectorAll("nav, aside")) {
    if (!accessibleName(nav)) problems.push(`landmark-name: ${where(nav)}: no label`);
  }
  const landmark = "main, header, footer, nav, aside, [role=search], .skip";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest("script") || !shown(el)) continue;
    if (!el.closest(landmark)) problems.push(`region: ${where(el)}: text outside landmarks`);
  }

  // names of controls, links and buttons
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden") continue;
    if (!accessibleName(el)) problems.push(`label: ${where(el)}: form control without a label`);
  }
  for (const el of document.querySelectorAll("a[href], button, summary")) {
    if (!accessibleName(el)) problems.push(`name: ${where(el)}: link or button without a name`);
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problems.push(`image-alt: ${where(img)}: no alt`);
  }
  for (const svg of document.querySelectorAll("body svg")) {
    const decorative = svg.getAttribute("aria-hidden") === "true";
    if (!decorative && !accessibleName(svg)) problems.push(`svg-name: ${where(svg)}: no label`);
  }

  // unique ids, and references that point somewhere
  const seen = new Set();
  for (const el of document.querySelectorAll("[id]")) {
    if (seen.has(el.id)) problems.push(`duplicate-id: ${where(el)}: id used twice`);
    seen.add(el.id);
  }
  for (const el of document.querySelectorAll("[aria-labelledby], [aria-describedby], label[for]")) {
    const ids = (el.getAttribute("aria-labelledby") || el.getAttribute("aria-describedby") || el.getAttribute("for")).split(/\s+/);
    for (const id of ids) if (!document.getElementById(id)) problems.push(`broken-reference: ${where(el)}: no #${id}`);
  }

  // contrast
  const parse = (value) => {
    const m = value.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const background = (el) => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      const color = parse(style.backgroundColor);
      if (color && color.a > 0) layers.push(color);
      if (color && color.a >= 1) break;
    }
    return layers.reverse().reduce((acc, layer) => over(layer, acc), { r: 255, g: 255, b: 255, a: 1 });
  };
  const luminance = (c) => {
    const channel = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const checked = new Set();
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || checked.has(el) || el.closest("script")) continue;
    checked.add(el);
    if (!shown(el) || srOnly(el) || hidden(el)) continue;
    const style = getComputedStyle(el);
    const svgText = el.namespaceURI.endsWith("svg");
    const fg = parse(svgText ? style.fill : style.color);
    if (!fg) continue;
    const bg = background(el);
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const needed = large ? 3 : 4.5;
    const got = ratio(over(fg, bg), bg);
    if (got < needed) problems.push(`color-contrast: ${where(el)}: ${got.toFixed(2)}:1 < ${needed}:1`);
  }

  // target sizes (WCAG 2.2 2.5.8), for links and controls that are not in a sentence
  if (minTarget) {
    const targets = "button, input:not([type=hidden]), select, summary, .pager a, .chips a, .tools a, .to-filters, .clear, .clear-all, .facet-value, .back a, .histogram a";
    for (const el of document.querySelectorAll(targets)) {
      if (!shown(el)) continue;
      const target = el.closest("label") || el;
      const box = target.getBoundingClientRect();
      if (box.width < minTarget - 0.5 || box.height < minTarget - 0.5) {
        problems.push(`target-size: ${where(target)}: ${box.width.toFixed(0)}x${box.height.toFixed(0)} px`);
      }
    }
  }
  return problems;
}
