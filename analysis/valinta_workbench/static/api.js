// The workbench's HTTP API (docs/workbench.md) as the page calls it: every request carries the
// start's token in the X-Valinta-Token header (read from the address the workbench printed,
// ?token=...; the server's cookie is a second way in), and every error becomes an ApiError with
// the server's own message.

import { t } from './i18n.js';

const TOKEN_KEY = 'valinta-workbench-token';

function readToken() {
  const fromUrl = new URLSearchParams(window.location.search).get('token');
  if (fromUrl) {
    try { sessionStorage.setItem(TOKEN_KEY, fromUrl); } catch { /* storage may be off */ }
    return fromUrl;
  }
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}

const token = readToken();

export class ApiError extends Error {
  constructor(message, status = 0, body = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** An address with the token added, for links the browser follows itself (downloads). */
export function withToken(path) {
  if (!token) return path;
  return `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * Calls the API and returns its JSON answer. Throws ApiError with the server's message for a
 * status other than 2xx, for an answer {error: ...}, and when the server does not answer.
 */
export async function api(path, {method = 'GET', body, signal} = {}) {
  const headers = {Accept: 'application/json'};
  if (token) headers['X-Valinta-Token'] = token;
  const init = {method, headers, credentials: 'same-origin', cache: 'no-store', signal};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error && error.name === 'AbortError') throw error;
    throw new ApiError(t('error.network'), 0);
  }
  const type = response.headers.get('Content-Type') || '';
  let data = null;
  if (type.includes('json')) {
    try { data = await response.json(); } catch { data = null; }
  } else {
    await response.text().catch(() => '');
  }
  const serverMessage = data && typeof data === 'object' && !Array.isArray(data) ? data.error : null;
  if (!response.ok) {
    let message = serverMessage || `${response.status} ${response.statusText}`;
    if (response.status === 403 && !serverMessage) message = t('error.forbidden');
    throw new ApiError(message, response.status, data);
  }
  // Some answers carry {error} with status 200 (a series that does not exist, say).
  if (serverMessage && Object.keys(data).length === 1) throw new ApiError(serverMessage, response.status, data);
  return data;
}

export const hasToken = () => Boolean(token);
