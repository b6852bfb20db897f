// Small DOM helpers shared by the workbench's views: element builders, messages to the user,
// and a tooltip that follows the pointer or the keyboard.

const SVG_NS = 'http://www.w3.org/2000/svg';

function assign(node, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.setAttribute('class', value);
    else if (name === 'text') node.textContent = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** An HTML element: el('button', {class: 'x', onclick: f}, 'text', otherNode). */
export function el(tag, attrs = {}, ...children) {
  return append(assign(document.createElement(tag), attrs), children);
}

/** An SVG element, as el() but in the SVG namespace. */
export function svg(tag, attrs = {}, ...children) {
  return append(assign(document.createElementNS(SVG_NS, tag), attrs), children);
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}

/** An id safe for HTML from a parameter key or label (dots and spaces become dashes). */
export function safeId(prefix, text) {
  return `${prefix}-${String(text).replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

let messageCounter = 0;

/**
 * A message in the page's message area (role=alert for errors, status otherwise), with a button
 * to close it. Errors stay until closed; notes close themselves after a while.
 */
export function notify(text, kind = 'error', closeLabel = '×') {
  const area = byId('messages');
  if (!area) return;
  const id = `message-${++messageCounter}`;
  const close = el('button', {type: 'button', class: 'message-close', 'aria-label': closeLabel, title: closeLabel,
    onclick: () => item.remove()}, '×');
  const item = el('div', {class: `message message-${kind}`, id, role: kind === 'error' ? 'alert' : 'status'},
    el('span', {class: 'message-text'}, text), close);
  // The same error twice in a row is shown once.
  const last = area.lastElementChild;
  if (last && last.querySelector('.message-text')?.textContent === text) last.remove();
  area.append(item);
  if (kind !== 'error') setTimeout(() => item.remove(), 6000);
}

/**
 * A tooltip element positioned next to a point inside a container (both in page coordinates
 * relative to the container); kept inside the container's box.
 */
export class Tooltip {
  constructor(node) {
    this.node = node;
    this.hide();
  }

  show(content, x, y) {
    clear(this.node);
    append(this.node, [content]);
    this.node.hidden = false;
    const box = this.node.parentElement.getBoundingClientRect();
    const tip = this.node.getBoundingClientRect();
    let left = x + 14;
    let top = y + 14;
    if (left + tip.width > box.width) left = Math.max(0, x - tip.width - 14);
    if (top + tip.height > box.height) top = Math.max(0, y - tip.height - 14);
    this.node.style.left = `${left}px`;
    this.node.style.top = `${top}px`;
  }

  hide() {
    this.node.hidden = true;
  }
}

/** Downloads are plain links; this marks one ready (href set) or not (no href, aria-disabled). */
export function setLink(link, href) {
  if (href) {
    link.href = href;
    link.removeAttribute('aria-disabled');
  } else {
    link.removeAttribute('href');
    link.setAttribute('aria-disabled', 'true');
  }
}
