// tests/openapi/lib.js: what the contract, negative and drift suites share:
// reading the OpenAPI document, resolving its local $refs, matching a request
// path to an operation the way fcgi/router.c matches it, validating a body
// against a schema of the document (JSON Schema 2020-12, ajv), a small TAP
// printer and an HTTP client that sends raw bytes.
'use strict';

const fs = require('fs');
const http = require('http');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const DOC_ID = 'https://stratus.invalid/openapi.json';

// ------------------------------------------------------------ the document

// JSON Pointer (RFC 6901) segment escaping.
const esc = (s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');
const unesc = (s) => s.replace(/~1/g, '/').replace(/~0/g, '~');

class Doc {
	constructor(file) {
		this.file = file;
		this.doc = JSON.parse(fs.readFileSync(file, 'utf8'));
		this.ajv = new Ajv2020({
			strict: false, // OpenAPI keywords (example, x-*, discriminator)
			allErrors: true,
			validateSchema: false,
			validateFormats: true,
		});
		addFormats(this.ajv);
		this.ajv.addSchema(this.doc, DOC_ID);
		this.compiled = new Map();
		this.ops = this.operations();
	}

	// get(POINTER): the value at a JSON pointer ("#/components/...").
	get(ptr) {
		let v = this.doc;
		for (const seg of ptr.replace(/^#\/?/, '').split('/').filter((s) => s !== '')) {
			if (v == null) return undefined;
			v = v[unesc(seg)];
		}
		return v;
	}

	// deref(OBJ): follows $ref chains of a non-schema object (response,
	// parameter, requestBody); returns [object, pointer of the last hop].
	deref(o, ptr) {
		for (let i = 0; o && o.$ref && i < 20; i++) {
			ptr = o.$ref;
			o = this.get(o.$ref);
		}
		return [o, ptr];
	}

	// schema(S): S with $refs resolved at every level (for generating
	// bodies, not for validating); cycles stop at depth 12.
	schema(s, depth = 0) {
		if (s == null || typeof s !== 'object' || depth > 12) return s;
		if (Array.isArray(s)) return s.map((x) => this.schema(x, depth + 1));
		if (s.$ref) {
			const { $ref, ...rest } = s;
			return this.schema({ ...this.get($ref), ...rest }, depth + 1);
		}
		const out = {};
		for (const [k, v] of Object.entries(s)) out[k] = this.schema(v, depth + 1);
		return out;
	}

	// validator(POINTER): the compiled ajv function of the schema at POINTER.
	validator(ptr) {
		let v = this.compiled.get(ptr);
		if (!v) {
			v = this.ajv.compile({ $ref: DOC_ID + ptr });
			this.compiled.set(ptr, v);
		}
		return v;
	}

	// operations(): every operation: {method, path, op, key, re, literal,
	// params (path item's and operation's, $refs resolved)}.
	operations() {
		const ops = [];
		for (const [path, item0] of Object.entries(this.doc.paths || {})) {
			const [item] = this.deref(item0);
			for (const m of METHODS) {
				if (!item[m]) continue;
				const op = item[m];
				const params = new Map();
				for (const p0 of [...(item.parameters || []), ...(op.parameters || [])]) {
					const [p] = this.deref(p0);
					params.set(p.in + ':' + p.name, p);
				}
				ops.push({
					method: m.toUpperCase(),
					path,
					op,
					ptr: '#/paths/' + esc(path) + '/' + m,
					key: m.toUpperCase() + ' ' + path,
					...template(path),
					params: [...params.values()],
				});
			}
		}
		return ops;
	}

	// security(OP): the operation's requirement list (or the document's).
	security(o) {
		return o.op.security !== undefined ? o.op.security : this.doc.security || [];
	}

	// needsCredentials(OP): true when every alternative names a scheme.
	needsCredentials(o) {
		const s = this.security(o);
		return s.length > 0 && s.every((r) => Object.keys(r).length > 0);
	}

	// role(OP): x-stratus-role, else the first role named by its security.
	role(o) {
		if (o.op['x-stratus-role']) return o.op['x-stratus-role'];
		for (const r of this.security(o)) for (const v of Object.values(r)) if (v.length) return v[0];
		return this.needsCredentials(o) ? 'readonly' : 'public';
	}

	// match(METHOD, PATH): like router_match: the path percent-decoded, one
	// trailing slash dropped, {name} one non-empty segment, the template with
	// the most literal segments wins. Returns {op} (HEAD reads as GET), or
	// {allow: [...]} when the path exists for other methods, or {}.
	match(method, rawPath) {
		let path = rawPath.split('?')[0];
		try {
			path = decodeURIComponent(path);
		} catch (e) {
			/* lighttpd would have refused it first; match it as it is */
		}
		if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
		const want = method === 'HEAD' ? 'GET' : method;
		let best = null;
		const allow = new Set();
		for (const o of this.ops) {
			if (!o.re.test(path)) continue;
			allow.add(o.method);
			if (o.method === 'GET') allow.add('HEAD');
			if (o.method === want && (!best || o.literal > best.literal)) best = o;
		}
		if (allow.size) allow.add('OPTIONS');
		return { op: best, allow: [...allow] };
	}

	// errorPointer(): the one error schema.
	errorPointer() {
		return '#/components/schemas/Error';
	}
}

// template(PATH): the regular expression and literal-segment count of a path template.
function template(path) {
	let literal = 0;
	const re = path
		.split('/')
		.map((seg) => {
			if (/^\{[^}]+\}$/.test(seg)) return '[^/]+';
			if (seg !== '') literal++;
			return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		})
		.join('/');
	return { re: new RegExp('^' + re + '$'), literal };
}

// ------------------------------------------------------------------ TAP

class Tap {
	constructor() {
		this.n = 0;
		this.failed = 0;
	}
	ok(pass, what, lines = []) {
		this.n++;
		if (!pass) this.failed++;
		console.log(`${pass ? 'ok' : 'not ok'} ${this.n} - ${what}`);
		for (const l of lines.slice(0, 25)) console.log('#   ' + String(l).replace(/\n/g, ' ').slice(0, 400));
		if (lines.length > 25) console.log(`#   ... and ${lines.length - 25} more`);
	}
	note(s) {
		console.log('# ' + s);
	}
	done(summary) {
		console.log(`1..${this.n}`);
		if (summary) console.log('# ' + summary);
		process.exitCode = this.failed ? 1 : 0;
	}
}

// ------------------------------------------------------------------ HTTP

// request(BASE, METHOD, PATH, {headers, body (string|Buffer)}): resolves to
// {status, headers, body (Buffer), json (parsed or undefined)}. PATH is
// sent as given (raw bytes allowed), so bad encodings reach the server.
function request(base, method, path, { headers = {}, body = null, timeout = 20000 } = {}) {
	const u = new URL(base);
	const prefix = u.pathname.replace(/\/$/, '');
	return new Promise((resolve, reject) => {
		const h = { ...headers };
		if (body != null) h['Content-Length'] = Buffer.byteLength(body);
		const req = http.request(
			{
				host: u.hostname,
				port: u.port || 80,
				method,
				path: prefix + path,
				headers: h,
				timeout,
				insecureHTTPParser: true,
			},
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const b = Buffer.concat(chunks);
					let json;
					try {
						json = JSON.parse(b.toString('utf8'));
					} catch (e) {
						json = undefined;
					}
					resolve({ status: res.statusCode, headers: res.headers, body: b, json });
				});
			}
		);
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', reject);
		if (body != null) req.write(body);
		req.end();
	});
}

// ajvErrors(ERRORS): one line per ajv error.
const ajvErrors = (errs) =>
	(errs || []).map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params && e.params.allowedValues ? ' ' + JSON.stringify(e.params.allowedValues) : ''}${e.params && e.params.additionalProperty ? ' (' + e.params.additionalProperty + ')' : ''}`);

// mediaType(CONTENT, TYPE): the media type object of CONTENT for the
// response's Content-Type (parameters ignored, then type/*, then */*).
function mediaType(content, ctype) {
	if (!content) return [undefined, undefined];
	const t = (ctype || '').split(';')[0].trim().toLowerCase();
	for (const k of [t, t.split('/')[0] + '/*', '*/*']) {
		for (const [name, mt] of Object.entries(content)) if (name.toLowerCase() === k) return [mt, name];
	}
	return [undefined, undefined];
}

module.exports = { Doc, Tap, request, ajvErrors, mediaType, esc, template };
