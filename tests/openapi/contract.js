#!/usr/bin/env node
// tests/openapi/contract.js DOC DIR...: checks every exchange that the HTTP
// suites recorded (tests/lib.sh contract_record: DIR/exchanges.tsv and one
// body file per exchange) against the OpenAPI document DOC:
//
// - the request is matched to its operation as fcgi/router.c matches it
//   (HEAD is the GET operation, whose body must then be empty);
// - the status must be listed in the operation's responses (there is no
//   "default" in our document, so an undocumented status fails);
// - the Content-Type must be one of that response's media types, and a JSON
//   body must validate against its schema (JSON Schema 2020-12, ajv);
//   a response without content must have an empty body;
// - the response's documented headers: a required one must be there, and
//   every one there must match its schema (when the headers were recorded);
// - a path with no operation must answer 404 (no such path) or 405 (the path
//   exists for other methods) with the Error schema; OPTIONS must answer 204
//   with an Allow header naming exactly the document's methods of the path.
//
// Prints TAP: one line per operation with its counts, one for the requests
// that match no operation, one for OPTIONS, and "# N responses validated".
'use strict';

const fs = require('fs');
const path = require('path');
const { Doc, Tap, ajvErrors, mediaType, esc } = require('./lib');

const [docFile, ...dirs] = process.argv.slice(2);
if (!docFile || !dirs.length) {
	console.error('usage: contract.js DOC DIR...');
	process.exit(2);
}
const doc = new Doc(docFile);
const tap = new Tap();

// Per operation key (and two pseudo-keys): counts by status and failures.
const results = new Map();
const slot = (key) => {
	if (!results.has(key)) results.set(key, { n: 0, statuses: new Map(), fails: [] });
	return results.get(key);
};
for (const o of doc.ops) slot(o.key);
const NOOP = '(paths and methods with no operation: 404/405 with the Error schema)';
const OPTIONS = '(OPTIONS: 204 with Allow naming the document\'s methods)';

// validateBody(POINTER, BODY, what): a failure line or null.
function validateJson(ptr, text) {
	let v;
	try {
		v = JSON.parse(text);
	} catch (e) {
		return 'the body is not JSON: ' + JSON.stringify(text.slice(0, 120));
	}
	const f = doc.validator(ptr);
	if (f(v)) return null;
	return `the body does not match ${ptr}: ${ajvErrors(f.errors).slice(0, 5).join('; ')}`;
}

// headers(FILE): the last header block of a curl -D file, names lower-cased
// (a 100 Continue comes first); null when the file is missing.
function readHeaders(file) {
	let text;
	try {
		text = fs.readFileSync(file, 'latin1');
	} catch (e) {
		return null;
	}
	const h = new Map();
	for (const line of text.split(/\r?\n/)) {
		if (/^HTTP\//.test(line)) h.clear();
		const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(line);
		if (m && !h.has(m[1].toLowerCase())) h.set(m[1].toLowerCase(), m[2]);
	}
	return h;
}

// checkHeaders(EX, RESPONSE, POINTER): why the documented headers of the
// response (required ones present, every present one of its schema) do not
// hold, or null. Content-Type is the media type's business, not a header's.
function checkHeaders(ex, resp, rptr) {
	if (!ex.headers || !resp || !resp.headers) return null;
	const bad = [];
	for (const [name, h0] of Object.entries(resp.headers)) {
		if (name.toLowerCase() === 'content-type') continue;
		const [h, hptr] = doc.deref(h0, rptr + '/headers/' + esc(name));
		const v = ex.headers.get(name.toLowerCase());
		if (v === undefined) {
			if (h && h.required) bad.push(`the required header ${name} is missing`);
			continue;
		}
		if (h && h.schema) {
			const f = doc.validator(hptr + '/schema');
			if (!f(v)) bad.push(`header ${name}: ${JSON.stringify(v)} ${ajvErrors(f.errors).join('; ')}`);
		}
	}
	return bad.length ? bad.join('; ') : null;
}

// check(EX): null when the exchange follows the document, else why not.
function check(ex) {
	const m = doc.match(ex.method, ex.path);
	const isJsonType = /^application\/([a-z.+-]*\+)?json\s*(;|$)/i.test(ex.ctype);
	if (ex.method === 'OPTIONS') {
		ex.key = OPTIONS;
		if (!m.allow.length) return ex.status === 404 ? null : `OPTIONS on an unknown path answered ${ex.status}`;
		if (ex.status !== 204) return `OPTIONS answered ${ex.status}, expected 204`;
		const got = ex.allow.split(',').map((s) => s.trim()).filter(Boolean).sort();
		const want = [...m.allow].sort();
		return got.join(',') === want.join(',') ? null : `Allow is "${ex.allow}", the document has ${want.join(', ')}`;
	}
	if (!m.op) {
		ex.key = NOOP;
		// A method the server does not know (TRACE, BREW) is a 405 before any
		// routing (fcgi/pipeline.c), whatever the path.
		const known = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].includes(ex.method);
		const want = m.allow.length || !known ? 405 : 404;
		if (ex.status !== want)
			return `no operation ${ex.method} for this path (${m.allow.length ? 'it has ' + m.allow.join(', ') : 'unknown path'}): expected ${want}, got ${ex.status}`;
		if (ex.method === 'HEAD') return ex.body.length ? 'a body after HEAD' : null;
		if (!isJsonType) return `Content-Type "${ex.ctype}" for an error, expected application/json`;
		return validateJson(doc.errorPointer(), ex.body.toString('utf8'));
	}
	const o = m.op;
	ex.key = o.key;
	const responses = o.op.responses || {};
	let code = String(ex.status);
	if (!(code in responses)) code = code[0] + 'XX';
	if (!(code in responses)) {
		return `status ${ex.status} is not documented for ${o.key} (it lists ${Object.keys(responses).join(', ')})`;
	}
	const [resp, rptr] = doc.deref(responses[code], o.ptr + '/responses/' + esc(code));
	const why = [checkHeaders(ex, resp, rptr), checkBody(ex, resp, rptr)].filter(Boolean);
	return why.length ? why.join('; ') : null;
}

// checkBody(EX, RESPONSE, POINTER): why the body is not what the response
// documents (none, a media type, a schema), or null.
function checkBody(ex, resp, rptr) {
	if (ex.method === 'HEAD') return ex.body.length ? `HEAD answered a body of ${ex.body.length} bytes` : null;
	const content = resp && resp.content;
	if (!content || !Object.keys(content).length) {
		return ex.body.length ? `status ${ex.status} documents no body, got ${ex.body.length} bytes` : null;
	}
	const [mt, name] = mediaType(content, ex.ctype);
	if (!mt) return `Content-Type "${ex.ctype}" is not documented for ${ex.status} (it lists ${Object.keys(content).join(', ')})`;
	if (!mt.schema) return null;
	if (/json/i.test(name)) {
		if (!ex.body.length) return `status ${ex.status}: empty body, the document has a ${name} schema`;
		return validateJson(rptr + '/content/' + esc(name) + '/schema', ex.body.toString('utf8'));
	}
	return null; // text (RSS, HTML, plain): the media type is the contract
}

let total = 0;
for (const dir of dirs) {
	const file = path.join(dir, 'exchanges.tsv');
	if (!fs.existsSync(file)) continue;
	for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
		if (!line) continue;
		const [suite, method, p, status, ctype, allow, bodyFile] = line.split('\t');
		let body;
		try {
			body = fs.readFileSync(path.join(dir, bodyFile));
		} catch (e) {
			body = Buffer.alloc(0);
		}
		const headers = readHeaders(path.join(dir, bodyFile + '.h'));
		const ex = { suite, method, path: p, status: Number(status), ctype: ctype || '', allow: allow || '', body, headers };
		const why = check(ex);
		total++;
		const s = slot(ex.key);
		s.n++;
		s.statuses.set(ex.status, (s.statuses.get(ex.status) || 0) + 1);
		if (why) s.fails.push(`${suite}: ${method} ${p} -> ${status}: ${why}`);
	}
}

if (total === 0) {
	tap.ok(false, `no recorded exchange under ${dirs.join(' ')}`);
} else {
	let unexercised = 0;
	for (const [key, s] of results) {
		const counts = [...s.statuses.entries()].sort((a, b) => a[0] - b[0]).map(([c, k]) => `${c}x${k}`).join(' ');
		if (!s.n) unexercised++;
		tap.ok(!s.fails.length, `${key}: ${s.n} responses${counts ? ' (' + counts + ')' : ''}${s.fails.length ? ', ' + s.fails.length + ' off the contract' : ''}`, s.fails);
	}
	tap.note(`${doc.ops.length} operations in ${docFile}, ${unexercised} with no recorded response`);
}
tap.done(`${total} responses validated`);
