// The scenario schema in a real editor's YAML support: yaml-language-server (the server behind
// VS Code's, Neovim's and Emacs' YAML support; pinned in package.json) is given `valinta schema`
// for *.yaml, opens every shipped scenario and a few with misspelt keys, and reports what an
// editor would underline. Ajv, the validator the server is built on, compiles the schema too.
//
//   node tests/editor/check-schema.mjs VALINTA [SCENARIO.yaml ...]
//
// Without scenario files, every scenario under scenarios/ (not the sweep designs and calibration
// sets of scenarios/sweeps/ and scenarios/calibration/). Exits 0 when no shipped scenario gets an
// error or warning and every misspelt key is reported by name; 1 otherwise, listing what differs.

import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const scenariosDir = join(repo, 'scenarios');
const notScenarios = new Set(['sweeps', 'calibration']);
const timeoutMs = 120_000;

const [valinta, ...given] = process.argv.slice(2);
if (!valinta) {
  console.error('usage: node check-schema.mjs VALINTA [SCENARIO.yaml ...]');
  process.exit(2);
}

// Misspelt keys at every level, each on a scenario that is otherwise good: the editor must
// report the misspelt name itself (not, say, only that the schema could not be loaded).
const zones = 'zones:\n  - {name: A, population: 1000, lat: 62.0, lon: 25.0}\n';
const misspelt = {
  'top-level.yaml': ['pilott', `${zones}pilott:\n  zones: [A]\n`],
  'nested.yaml': ['inertai', `${zones}choice: {inertai: 1.0}\n`],
  'producer.yaml': ['sectr', `${zones}producers:\n  - {name: P, zone: A, sectr: private}\n`],
  'zone.yaml': ['sprad_km', 'zones:\n  - {name: A, population: 1000, lat: 62.0, lon: 25.0, sprad_km: 3}\n'],
  'event.yaml': ['producr', `${zones}events:\n  - {date: 2017-05-20, type: stop_listing, producr: P}\n`],
  'event-set.yaml': ['choice.inertai',
    `${zones}events:\n  - {date: 2017-05-20, type: rule_change, set: {choice.inertai: 1.0}}\n`],
  'chain.yaml': ['sectr', `${zones}chains:\n  - {name: C, sectr: private}\n`],
};

function scenarioFiles(dir) {
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!(dir === scenariosDir && notScenarios.has(name))) files.push(...scenarioFiles(path));
    } else if (name.endsWith('.yaml')) {
      files.push(path);
    }
  }
  return files;
}

// --- LSP over stdio: Content-Length framed JSON-RPC ---------------------------------------------

class Client {
  constructor(command, args, onRequest, onNotification) {
    this.process = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.buffer = Buffer.alloc(0);
    this.nextId = 1;
    this.pending = new Map();
    this.process.stderr.on('data', (chunk) => (this.stderr += chunk));
    this.process.stdout.on('data', (chunk) => this.receive(chunk));
    this.exited = new Promise((done) => this.process.on('exit', (code, signal) => done({ code, signal })));
    this.exited.then(({ code, signal }) => {
      for (const { reject } of this.pending.values())
        reject(new Error(`the server exited (${signal ?? code}) before answering`));
    });
    this.onRequest = onRequest;
    this.onNotification = onNotification;
  }

  send(message) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    this.process.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  request(method, params) {
    const id = this.nextId++;
    this.send({ id, method, params });
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  notify(method, params) {
    this.send({ method, params });
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const header = this.buffer.subarray(0, end).toString('ascii');
      const match = /Content-Length: *(\d+)/i.exec(header);
      if (!match) throw new Error(`a message without Content-Length: ${header}`);
      const length = Number(match[1]);
      if (this.buffer.length < end + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString('utf8'));
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.dispatch(message);
    }
  }

  dispatch(message) {
    if (message.method !== undefined && message.id !== undefined) {
      let result = null;
      try {
        result = this.onRequest(message.method, message.params) ?? null;
      } finally {
        this.send({ id: message.id, result });
      }
    } else if (message.method !== undefined) {
      this.onNotification(message.method, message.params);
    } else if (this.pending.has(message.id)) {
      const { resolve, reject } = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) reject(new Error(`${message.error.message} (${message.error.code})`));
      else resolve(message.result);
    }
  }
}

// --- The check --------------------------------------------------------------------------------------

const problems = [];
const work = mkdtempSync(join(tmpdir(), 'valinta-editor-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

// The schema as `valinta schema` prints it, in a file the server reads.
const printed = spawnSync(valinta, ['schema'], { encoding: 'utf8' });
if (printed.status !== 0) {
  console.error(`${valinta} schema failed (${printed.error?.message ?? `exit code ${printed.status}`}):\n${printed.stderr}`);
  process.exit(1);
}
const schemaPath = join(work, 'valinta-scenario.schema.json');
writeFileSync(schemaPath, printed.stdout);
const schemaUri = pathToFileURL(schemaPath).href;

// Ajv as the server uses it (`new Ajv({allErrors: true})`, draft-07): the schema must compile.
const require = createRequire(join(here, 'node_modules', 'yaml-language-server', 'package.json'));
try {
  const Ajv = require('ajv').default;
  new Ajv({ allErrors: true }).compile(JSON.parse(printed.stdout));
  console.log(`ajv ${require('ajv/package.json').version}: the schema compiles`);
} catch (error) {
  problems.push(`Ajv cannot compile the schema: ${error.message}`);
}

const shipped = given.length ? given.map((f) => resolve(f)) : scenarioFiles(scenariosDir);
const typoDir = join(work, 'misspelt');
const misspeltFiles = new Map();
mkdirSync(typoDir);
for (const [name, [key, text]] of Object.entries(misspelt)) {
  const path = join(typoDir, name);
  writeFileSync(path, text);
  misspeltFiles.set(path, key);
}

const settings = {
  yaml: {
    schemas: { [schemaUri]: ['*.yaml'] },
    validate: true,
    hover: false,
    completion: false,
    format: { enable: false },
    schemaStore: { enable: false },
    kubernetesCRDStore: { enable: false },
    yamlVersion: '1.2',
    customTags: [],
  },
  http: { proxy: '', proxyStrictSSL: false },
  '[yaml]': {},
  editor: {},
};

const diagnostics = new Map(); // uri -> the latest published diagnostics
let lastPublished = Date.now();
let configured;
const configurationPulled = new Promise((done) => (configured = done));
const server = new Client(
  process.execPath,
  [join(here, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server'), '--stdio'],
  (method, params) => {
    if (method === 'workspace/configuration') {
      setTimeout(configured, 0);
      return params.items.map((item) => settings[item.section] ?? null);
    }
    return null; // client/registerCapability, window/workDoneProgress/create, ...
  },
  (method, params) => {
    if (method === 'textDocument/publishDiagnostics') {
      diagnostics.set(params.uri, params.diagnostics);
      lastPublished = Date.now();
    }
  },
);

const timer = setTimeout(() => {
  console.error(`check-schema: no answer from yaml-language-server within ${timeoutMs / 1000} s`);
  if (server.stderr) console.error(server.stderr);
  server.process.kill();
  process.exit(1);
}, timeoutMs);

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

try {
  const info = await server.request('initialize', {
    processId: process.pid,
    clientInfo: { name: 'valinta check-schema' },
    rootUri: pathToFileURL(repo).href,
    workspaceFolders: [{ uri: pathToFileURL(repo).href, name: 'valinta' }],
    capabilities: {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
      textDocument: { publishDiagnostics: { relatedInformation: false } },
    },
  });
  server.notify('initialized', {});
  server.notify('workspace/didChangeConfiguration', { settings });
  const died = server.exited.then(({ code, signal }) => {
    throw new Error(`the server exited (${signal ?? code})`);
  });
  await Promise.race([configurationPulled, died]);
  await sleep(200);

  const files = [...shipped, ...misspeltFiles.keys()];
  const uris = files.map((f) => pathToFileURL(f).href);
  files.forEach((file, k) =>
    server.notify('textDocument/didOpen', {
      textDocument: { uri: uris[k], languageId: 'yaml', version: 1, text: readFileSync(file, 'utf8') },
    }),
  );
  // Every file's diagnostics, then a quiet moment in case a file is validated again.
  const published = (async () => {
    while (!uris.every((u) => diagnostics.has(u)) || Date.now() - lastPublished < 500) await sleep(50);
  })();
  await Promise.race([published, died]);

  const version = info?.serverInfo?.version ?? JSON.parse(
    readFileSync(join(here, 'node_modules', 'yaml-language-server', 'package.json'), 'utf8')).version;
  console.log(`yaml-language-server ${version}: ${shipped.length} scenarios, ${misspeltFiles.size} with a misspelt key`);
  const severity = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
  const show = (d) =>
    `${d.range.start.line + 1}:${d.range.start.character + 1}: ${severity[d.severity] ?? d.severity}: ` +
    `${d.message.replace(/\s+/g, ' ').trim()} [${d.source ?? ''}]`;
  for (const file of shipped) {
    const found = diagnostics.get(pathToFileURL(file).href).filter((d) => d.severity <= 2);
    const name = relative(repo, file);
    if (found.length) problems.push(`${name}: ${found.length} in the editor\n    ` + found.map(show).join('\n    '));
    else console.log(`ok ${name}`);
  }
  for (const [file, key] of misspeltFiles) {
    const all = diagnostics.get(pathToFileURL(file).href);
    const named = all.filter((d) => d.severity <= 2 && d.message.includes(key));
    const name = `misspelt/${relative(typoDir, file)}`;
    if (named.length) console.log(`ok ${name}: ${show(named[0])}`);
    else problems.push(`${name}: '${key}' is not reported` + (all.length ? ':\n    ' + all.map(show).join('\n    ') : ' (no diagnostics)'));
  }

  died.catch(() => {}); // the server exits when asked to
  await server.request('shutdown', null);
  server.notify('exit', null);
  await Promise.race([server.exited, sleep(2000)]);
} catch (error) {
  problems.push(`yaml-language-server: ${error.message}\n${server.stderr}`);
  server.process.kill();
}
clearTimeout(timer);

if (problems.length) {
  console.log(`\nFAIL: ${problems.length} problem(s) with the schema in an editor:`);
  for (const p of problems) console.log(`- ${p}`);
  process.exit(1);
}
console.log('\nok: the schema works in an editor');
