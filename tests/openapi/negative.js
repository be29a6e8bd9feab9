#!/usr/bin/env node
// tests/openapi/negative.js DOC: the schema-driven negative suite. For every
// operation of DOC with a request body or parameters, it sends bad inputs
// generated from the document to the live server ($BASE_URL) and asserts
// that each is answered with a 4xx whose body is the Error schema, never a
// 5xx, and that no responder died (their PIDs are the same at the end).
//
// Bodies: a valid body (the operation's example, else synthesised from the
// schema) with one change each: a required field missing, a field of the
// wrong type, a bound one past (minLength-1, maxLength+1, minimum-1,
// maximum+1, maxItems+1), an enum value that is not one, a string that
// breaks the pattern, an oversized string (70,000 characters), invalid
// UTF-8 bytes, an embedded NUL, an unknown field where additionalProperties
// is false; and bodies that are not objects, not JSON, too large (413), of
// the wrong Content-Type (415). Parameters: path and query values of the
// wrong type, out of bounds, not in the enum, breaking the pattern, %FF
// (invalid UTF-8) and %00 (NUL) where the parameter has such a rule.
//
// No side effects beyond 4xx: path parameters are ids that do not exist, so
// PATCH/DELETE /users/{id}, POST .../destroy, POST .../cancel touch nothing;
// /users/profile is sent with the key of a throw-away user of its own.
//
// Environment: BASE_URL; STRATUS_KEY_ADMIN (admin API key),
// STRATUS_KEY_PROFILE (a throw-away readonly user's key); STRATUS_BIN (the
// responder binary, for the PID check; none when unset); NEGATIVE_JOBS (4).
'use strict';

const { execFileSync } = require('child_process');
const { Doc, Tap, request, ajvErrors } = require('./lib');
const gen = require('./gen');

const docFile = process.argv[2];
const BASE = process.env.BASE_URL;
if (!docFile || !BASE) {
	console.error('usage: BASE_URL=... negative.js DOC');
	process.exit(2);
}
const doc = new Doc(docFile);
const tap = new Tap();
const errorCheck = doc.validator(doc.errorPointer());
const BAD_UTF8 = '\u0001bad-utf8\u0001';
const BAD_UTF8_BYTES = Buffer.from([0x61, 0xc3, 0x28, 0xff, 0xfe, 0x62]); // "a", broken sequences, "b"

// ------------------------------------------------------------- per operation

// credentials(OP): the headers that pass the role check.
function credentials(o) {
	if (!doc.needsCredentials(o)) return {};
	const k = o.path.startsWith('/users/profile') ? process.env.STRATUS_KEY_PROFILE : process.env.STRATUS_KEY_ADMIN;
	return k ? { 'X-API-Key': k } : {};
}

// absentId(PARAM): a valid-looking value of a path parameter that names nothing.
function absentId(p) {
	const sc = doc.schema(p.schema || {});
	const t = gen.typeOf(sc);
	if (t === 'integer' || t === 'number') return String(sc.maximum !== undefined ? sc.maximum : 2147483000);
	if (sc.format === 'uuid' || /uuid|request_id/.test(p.name)) return '00000000-0000-4000-8000-00000000dead';
	const v = gen.stringOf(sc, Math.max(sc.minLength || 0, Math.min(sc.maxLength || 24, 24)), 'nosuch' + p.name.replace(/[^a-z]/g, ''));
	return encodeURIComponent(v || 'nosuch');
}

// fillPath(OP, OVERRIDE): the path with every parameter filled, OVERRIDE (raw) for one.
function fillPath(o, override = {}) {
	return o.path.replace(/\{([^}]+)\}/g, (_, name) => {
		if (name in override) return override[name];
		const p = o.params.find((x) => x.in === 'path' && x.name === name) || { name, schema: { type: 'string' } };
		return absentId(p);
	});
}

// jsonBody(OP): [schema, valid example] of the operation's JSON body, or [].
function jsonBody(o) {
	if (!o.op.requestBody) return [];
	const [rb] = doc.deref(o.op.requestBody);
	const mt = rb && rb.content && rb.content['application/json'];
	if (!mt || !mt.schema) return [];
	const sc = doc.schema(mt.schema);
	let ex;
	if (mt.example !== undefined) ex = mt.example;
	else if (mt.examples && Object.keys(mt.examples).length) ex = doc.deref(Object.values(mt.examples)[0])[0].value;
	if (ex === undefined || ex === null || typeof ex !== 'object') ex = gen.valid(sc);
	return [sc, JSON.parse(JSON.stringify(ex)), rb.required === true];
}

// fields(SCHEMA): [path (array of names), schema, required] of every
// property, one level of nested objects deep.
function fields(sc, prefix = [], depth = 0) {
	const out = [];
	for (const [k, s] of Object.entries(sc.properties || {})) {
		const req = (sc.required || []).includes(k);
		out.push([[...prefix, k], s, req]);
		if (depth < 1 && gen.typeOf(s) === 'object' && s.properties) out.push(...fields(s, [...prefix, k], depth + 1));
	}
	return out;
}

// withField(BODY, SCHEMA, PATH, VALUE|undefined): a copy of BODY with PATH set (or deleted).
function withField(body, sc, path, value, del = false) {
	const b = JSON.parse(JSON.stringify(body));
	let o = b;
	let s = sc;
	for (const k of path.slice(0, -1)) {
		s = (s.properties || {})[k] || {};
		if (o[k] === null || typeof o[k] !== 'object' || Array.isArray(o[k])) o[k] = gen.valid(s);
		o = o[k];
	}
	const last = path[path.length - 1];
	if (del) delete o[last];
	else o[last] = value;
	return b;
}

// encode(BODY): the JSON text, with the invalid-UTF-8 marker turned into bytes.
function encode(body) {
	const text = JSON.stringify(body);
	const i = text.indexOf(JSON.stringify(BAD_UTF8).slice(1, -1));
	if (i < 0) return text;
	const marker = JSON.stringify(BAD_UTF8).slice(1, -1);
	return Buffer.concat([Buffer.from(text.slice(0, i)), BAD_UTF8_BYTES, Buffer.from(text.slice(i + marker.length))]);
}

// bodyCases(OP): [what, body (object, string or Buffer), headers] of the body's bad inputs.
function bodyCases(o) {
	const [sc, good, required] = jsonBody(o);
	if (!sc) return [];
	const J = { 'Content-Type': 'application/json' };
	const out = [];
	const add = (what, b) => out.push([what, typeof b === 'object' && !Buffer.isBuffer(b) ? encode(b) : b, J]);
	for (const [path, s0, req] of fields(sc)) {
		const s = doc.schema(s0);
		const name = path.join('.');
		const t = gen.typeOf(s);
		if (req) add(`${name} missing`, withField(good, sc, path, undefined, true));
		for (const [what, v] of gen.wrongTypes(s)) add(`${name} ${what}`, withField(good, sc, path, v));
		if (t === 'string') {
			if (s.minLength > 0) add(`${name} of minLength-1 (${s.minLength - 1})`, withField(good, sc, path, gen.stringOf(s, s.minLength - 1, '') ?? 'a'.repeat(s.minLength - 1)));
			if (s.maxLength !== undefined) add(`${name} of maxLength+1 (${s.maxLength + 1})`, withField(good, sc, path, gen.stringOf(s, s.maxLength + 1, '') ?? 'a'.repeat(s.maxLength + 1)));
			if (s.enum) add(`${name} not in its enum`, withField(good, sc, path, 'not-a-valid-choice'));
			for (const v of gen.patternBreakers(s)) add(`${name} breaking its pattern (${JSON.stringify(v).slice(0, 20)})`, withField(good, sc, path, v));
			add(`${name} oversized (70000 characters)`, withField(good, sc, path, 'a'.repeat(70000)));
			add(`${name} with invalid UTF-8`, withField(good, sc, path, BAD_UTF8));
			add(`${name} with an embedded NUL`, withField(good, sc, path, 'ab\u0000cd'));
		}
		if (t === 'integer' || t === 'number') {
			if (s.minimum !== undefined) add(`${name} of minimum-1 (${s.minimum - 1})`, withField(good, sc, path, s.minimum - 1));
			if (s.maximum !== undefined) add(`${name} of maximum+1 (${s.maximum + 1})`, withField(good, sc, path, s.maximum + 1));
		}
		if (t === 'array') {
			const it = doc.schema(s.items || {});
			const item = gen.valid(it, path[path.length - 1]);
			if (s.maxItems !== undefined) add(`${name} of maxItems+1 (${s.maxItems + 1})`, withField(good, sc, path, Array.from({ length: s.maxItems + 1 }, () => item)));
			if (gen.typeOf(it) === 'string') {
				add(`${name} with an item of the wrong type`, withField(good, sc, path, [12345]));
				if (it.maxLength !== undefined) add(`${name} with an item of maxLength+1`, withField(good, sc, path, ['a'.repeat(it.maxLength + 1)]));
				add(`${name} with an item with a NUL`, withField(good, sc, path, ['ab\u0000cd']));
			}
		}
		if (t === 'object' && s.additionalProperties === false)
			add(`${name} with an unknown field`, withField(good, sc, path, { ...(path.reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), good) || gen.valid(s)), no_such_field_x: 1 }));
	}
	if (sc.additionalProperties === false) add('an unknown top-level field', { ...good, no_such_field_x: 1 });
	add('a body that is an array', '[]');
	add('a body that is a string', '"x"');
	add('a body that is a number', '42');
	add('a body that is not JSON', '{"a":');
	add('a body with a NUL byte between tokens', Buffer.from('{"a":1,\u0000}'));
	add('a body that is invalid UTF-8', Buffer.concat([Buffer.from('{"'), BAD_UTF8_BYTES, Buffer.from('":1}')]));
	if (required && (sc.required || []).length) add('an empty object', '{}');
	out.push(['a body of 1.5 MB (over the limit)', Buffer.alloc(1536 * 1024, 0x20), J]);
	out.push(['a body of Content-Type text/plain', JSON.stringify(good), { 'Content-Type': 'text/plain' }]);
	return out;
}

// paramCases(OP): [what, path (with query), headers] of the bad parameters.
function paramCases(o) {
	const out = [];
	for (const p of o.params) {
		if (p.in !== 'path' && p.in !== 'query') continue;
		const s = doc.schema(p.schema || {});
		const t = gen.typeOf(s);
		const bad = [];
		if (t === 'integer' || t === 'number') {
			bad.push(['not a number', 'abc'], ['a fraction', '1.5'], ['%FF (invalid UTF-8)', '%FF'], ['%00 (NUL)', '%00']);
			if (s.minimum !== undefined) bad.push([`minimum-1 (${s.minimum - 1})`, String(s.minimum - 1)]);
			if (s.maximum !== undefined) bad.push([`maximum+1 (${s.maximum + 1})`, String(s.maximum + 1)]);
		} else if (t === 'boolean') {
			bad.push(['not a boolean', 'maybe']);
		} else if (t === 'string' && (s.enum || s.pattern || s.maxLength !== undefined || s.minLength || s.format)) {
			if (s.enum) bad.push(['not in its enum', 'not-a-valid-choice']);
			for (const v of gen.patternBreakers(s)) bad.push([`breaking its pattern (${v.slice(0, 8)})`, encodeURIComponent(v)]);
			if (s.maxLength !== undefined) bad.push([`maxLength+1 (${s.maxLength + 1})`, 'a'.repeat(s.maxLength + 1)]);
			if (s.minLength > 0 && p.in === 'query') bad.push([`minLength-1 (${s.minLength - 1})`, 'a'.repeat(s.minLength - 1)]);
			bad.push(['%FF (invalid UTF-8)', 'a%FFb'], ['%00 (NUL)', 'a%00b']);
		} else if (p.in === 'path') {
			// A free-form path segment: names nothing, whatever its bytes.
			bad.push(['%FF (invalid UTF-8)', 'a%FFb'], ['%00 (NUL)', 'a%00b'], ['oversized (3000)', 'a'.repeat(3000)]);
		}
		for (const [what, v] of bad) {
			const path = p.in === 'path' ? fillPath(o, { [p.name]: v }) : `${fillPath(o)}?${encodeURIComponent(p.name)}=${v}`;
			out.push([`${p.in} parameter ${p.name} ${what}`, path]);
		}
	}
	return out;
}

// --------------------------------------------------------------------- run

function pids() {
	if (!process.env.STRATUS_BIN) return null;
	try {
		return execFileSync('pgrep', ['-f', process.env.STRATUS_BIN], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
	} catch (e) {
		return [];
	}
}

async function pool(tasks, n) {
	let i = 0;
	const work = async () => {
		while (i < tasks.length) await tasks[i++]();
	};
	await Promise.all(Array.from({ length: n }, work));
}

async function main() {
	const before = pids();
	const plan = [];
	const skipped = [];
	for (const o of doc.ops) {
		if (o.method === 'GET' && !o.params.length) continue;
		const cases = [];
		const creds = credentials(o);
		for (const [what, body, h] of bodyCases(o)) cases.push({ what, method: o.method, path: fillPath(o), headers: { ...creds, ...h }, body });
		for (const [what, path] of paramCases(o)) {
			const c = { what, method: o.method, path, headers: { ...creds } };
			// A body route gets its valid body, so that only the parameter is wrong.
			const [sc, good] = jsonBody(o);
			if (sc) {
				c.headers['Content-Type'] = 'application/json';
				c.body = JSON.stringify(good);
			}
			cases.push(c);
		}
		if (!cases.length) skipped.push(o.key);
		plan.push([o, cases]);
	}
	let n = 0;
	let n4 = 0;
	let n5 = 0;
	const tasks = [];
	for (const [o, cases] of plan) {
		for (const c of cases) {
			tasks.push(async () => {
				n++;
				let r;
				try {
					r = await request(BASE, c.method, c.path, { headers: c.headers, body: c.body });
				} catch (e) {
					c.fail = `no answer: ${e.message}`;
					return;
				}
				c.status = r.status;
				if (r.status >= 500) n5++;
				if (r.status >= 400 && r.status < 500) n4++;
				if (r.status < 400 || r.status >= 500) c.fail = `answered ${r.status}, expected a 4xx: ${r.body.toString('utf8').slice(0, 160)}`;
				else if (!/^application\/json/i.test(r.headers['content-type'] || '')) c.fail = `${r.status} with Content-Type ${r.headers['content-type']}`;
				else if (!errorCheck(r.json)) c.fail = `${r.status} whose body is not the Error schema: ${ajvErrors(errorCheck.errors).slice(0, 3).join('; ')}`;
			});
		}
	}
	await pool(tasks, Number(process.env.NEGATIVE_JOBS || 4));
	for (const [o, cases] of plan) {
		if (!cases.length) continue;
		const fails = cases.filter((c) => c.fail).map((c) => `${c.what}: ${c.method} ${c.path.slice(0, 100)} ${c.fail}`);
		const by = new Map();
		for (const c of cases) by.set(c.status, (by.get(c.status) || 0) + 1);
		const counts = [...by.entries()].sort().map(([s, k]) => `${s}x${k}`).join(' ');
		tap.ok(!fails.length, `${o.key}: ${cases.length} bad inputs (${counts})${fails.length ? ', ' + fails.length + ' not a 4xx with the Error schema' : ''}`, fails);
	}
	if (skipped.length) tap.note(`no body and no parameter to break: ${skipped.join(', ')}`);
	const after = pids();
	if (before) {
		tap.ok(before.length > 0 && before.join(' ') === after.join(' '), `the responders' PIDs are unchanged (${before.length}: ${before.join(' ')})`, before.join(' ') === after.join(' ') ? [] : [`before: ${before.join(' ')}`, `after: ${after.join(' ')}`]);
	}
	tap.ok(n5 === 0, `no bad input got a 5xx (${n5})`);
	tap.done(`${n} generated cases, ${n4} 4xx, ${n5} 5xx`);
}

main().catch((e) => {
	console.log(`not ok - negative.js: ${e.stack}`);
	process.exitCode = 1;
});
