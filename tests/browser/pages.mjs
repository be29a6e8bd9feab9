// tests/browser/pages.mjs: the docs pages in a real browser (Debian's headless
// Chromium, driven over the DevTools protocol by puppeteer-core).
//
// Loads BASE_URL/docs (Swagger UI) and BASE_URL/redoc (ReDoc) through the web
// server and checks that every tag and every operation of the document the
// server serves (BASE_URL/openapi.json) is on the page, that the page asked no
// other host for anything (every request is recorded), that the page broke
// none of its own Content-Security-Policy, that GET / links them, and that
// "Try it out" -> Execute on GET /health shows 200. With API_KEY (and
// BEARER_TOKEN), it authorizes once in Swagger UI's dialog, calls GET
// /auth/me, reloads the page and calls it again without authorizing
// (persistAuthorization), then authorizes with the token instead.
//
// Environment:
//   BASE_URL                the site, e.g. http://127.0.0.1:8080 (no slash)
//   OUT                     where the screenshots go (made if missing)
//   CHROMIUM                default /usr/bin/chromium
//   API_KEY, BEARER_TOKEN   optional: credentials of a readonly (or better) user
//   BROWSER_OPENAPI_FIXTURE optional: a file the browser gets instead of
//                           BASE_URL/openapi.json (for a server without the route)
//
// Prints TAP (ok / not ok lines, "# " comments); exits non-zero on a failure.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

const BASE = process.env.BASE_URL.replace(/\/+$/, '');
const ORIGIN = new URL(BASE).origin;
const PREFIX = new URL(BASE).pathname.replace(/\/+$/, '');
const OUT = process.env.OUT || '.';
const FIXTURE = process.env.BROWSER_OPENAPI_FIXTURE || '';
const WAIT = 30000;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

mkdirSync(OUT, { recursive: true });

// ------------------------------------------------------------------ TAP

let n = 0;
let failed = 0;

function comment(text) {
	for (const line of String(text).split('\n'))
		console.log('# ' + line);
}

function check(pass, what, diag) {
	n++;
	if (!pass)
		failed++;
	console.log(`${pass ? 'ok' : 'not ok'} ${n} - ${what}`);
	if (!pass && diag)
		comment(diag);
	return pass;
}

function skip(what, why) {
	n++;
	console.log(`ok ${n} - ${what} # SKIP ${why}`);
}

// ------------------------------------------------------------------ the document

async function documentText() {
	if (FIXTURE) {
		comment(`the document is the fixture ${FIXTURE}, not the server's`);
		return readFileSync(FIXTURE, 'utf8');
	}
	const r = await fetch(`${BASE}/openapi.json`);
	if (r.status !== 200)
		throw new Error(`GET ${BASE}/openapi.json answered ${r.status}`);
	return r.text();
}

// Every operation: method, path, operationId, its tags ("default" for none,
// as Swagger UI shows them).
function operations(doc) {
	const ops = [];
	for (const [path, item] of Object.entries(doc.paths || {}))
		for (const method of METHODS)
			if (item[method])
				ops.push({
					method,
					path,
					id: item[method].operationId,
					tags: item[method].tags && item[method].tags.length ? item[method].tags : ['default'],
				});
	return ops;
}

function tagNames(doc, ops) {
	const names = new Set((doc.tags || []).map((t) => t.name));
	for (const op of ops)
		for (const t of op.tags)
			names.add(t);
	return [...names];
}

// ------------------------------------------------------------------ one page

// open(browser, path, docText): a new page at BASE + path that records every
// request, console error, page error and CSP violation.
async function open(browser, path, docText) {
	const page = await browser.newPage();
	const seen = { requests: [], foreign: [], errors: [], csp: [], apiRequests: [] };

	await page.setViewport({ width: 1280, height: 900 });
	// The page's own report of what its CSP refused (before any script).
	await page.evaluateOnNewDocument(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) =>
			window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
	});
	await page.setRequestInterception(true);
	page.on('request', (req) => {
		const url = req.url();
		seen.requests.push(`${req.method()} ${url.slice(0, 120)}`);
		let u;
		try {
			u = new URL(url);
		} catch {
			u = null;
		}
		const local = u && (u.protocol === 'data:' || u.protocol === 'blob:' || u.origin === ORIGIN);
		if (!local) {
			seen.foreign.push(url);
			return req.abort('blockedbyclient');
		}
		if (FIXTURE && u.pathname === `${PREFIX}/openapi.json`)
			return req.respond({ status: 200, contentType: 'application/json', body: docText });
		if (u.origin === ORIGIN && !u.pathname.startsWith(`${PREFIX}/docs`) &&
		    u.pathname !== `${PREFIX}/redoc` && u.pathname !== `${PREFIX}/openapi.json`)
			seen.apiRequests.push({ method: req.method(), path: u.pathname, headers: req.headers() });
		return req.continue();
	});
	page.on('console', (m) => {
		if (m.type() === 'error')
			seen.errors.push(m.text().slice(0, 300));
	});
	page.on('pageerror', (e) => seen.errors.push(`page error: ${e.message}`));
	const response = await page.goto(BASE + path, { waitUntil: 'networkidle0', timeout: WAIT });
	return { page, seen, response };
}

async function cspViolations(page, seen) {
	const fromPage = await page.evaluate(() => window.__csp || []);
	return fromPage.concat(seen.errors.filter((e) => /Content Security Policy/i.test(e)));
}

// The page's own response: a CSP with default-src 'self' and no eval.
function checkPolicy(name, response) {
	const csp = response.headers()['content-security-policy'] || '';
	check(/default-src 'self'/.test(csp) && !/unsafe-eval/.test(csp) && /script-src 'self'(;|$)/.test(csp),
		`${name} is served with a Content-Security-Policy: default-src 'self', scripts from the site only, no eval`,
		`Content-Security-Policy: ${csp || '(none)'}`);
	comment(`${name} CSP: ${csp}`);
}

function checkHosts(name, seen) {
	check(seen.foreign.length === 0, `${name}: no request went to another host (${seen.requests.length} requests)`,
		`to other hosts: ${seen.foreign.join(' ')}`);
}

async function checkCsp(name, page, seen) {
	const v = await cspViolations(page, seen);
	check(v.length === 0, `${name}: the page breaks none of its Content-Security-Policy`, v.join('\n'));
}

// ------------------------------------------------------------------ Swagger UI

// Swagger UI's operations as "METHOD path" (one per tag it is listed under).
async function swaggerOps(page) {
	return page.evaluate(() => [...document.querySelectorAll('.opblock')].map((o) => {
		const m = o.querySelector('.opblock-summary-method');
		const p = o.querySelector('.opblock-summary-path');
		return `${m ? m.textContent.trim().toLowerCase() : '?'} ${p ? p.getAttribute('data-path') : '?'}`;
	}));
}

// Marks the block of METHOD PATH with data-test-op="METHOD PATH" (so that
// selectors can reach into it); false if it is not on the page.
async function markOp(page, method, path) {
	return page.evaluate((method, path) => {
		for (const o of document.querySelectorAll('.opblock')) {
			const m = o.querySelector('.opblock-summary-method');
			const p = o.querySelector('.opblock-summary-path');
			if (m && p && m.textContent.trim().toLowerCase() === method && p.getAttribute('data-path') === path) {
				o.setAttribute('data-test-op', `${method} ${path}`);
				return true;
			}
		}
		return false;
	}, method, path);
}

// tryIt(page, method, path): expands the operation, "Try it out", "Execute";
// returns the status Swagger UI shows for the server's response.
async function tryIt(page, method, path) {
	if (!(await markOp(page, method, path)))
		throw new Error(`${method.toUpperCase()} ${path} is not on the page`);
	const op = `[data-test-op="${method} ${path}"]`;
	if (!(await page.$(`${op}.is-open`)))
		await page.click(`${op} .opblock-summary-control`);
	const tryOut = await page.waitForSelector(`${op} .try-out__btn`, { timeout: WAIT });
	if ((await tryOut.evaluate((b) => b.textContent.trim())) !== 'Cancel')
		await tryOut.click();
	await page.click(`${op} .execute`);
	const cell = await page.waitForSelector(`${op} .live-responses-table tr.response .response-col_status`, { timeout: WAIT });
	return cell.evaluate((c) => c.textContent.trim());
}

// Clears the operation's last response (so that the next Execute shows anew).
async function clearIt(page, method, path) {
	const op = `[data-test-op="${method} ${path}"]`;
	const clear = await page.$(`${op} .btn-clear`);
	if (clear)
		await clear.click();
}

// authorize(page, scheme, value): Swagger UI's Authorize dialog, once.
async function authorize(page, scheme, value) {
	await page.click('.auth-wrapper .authorize');
	await page.waitForSelector('.modal-ux .auth-container', { timeout: WAIT });
	const marked = await page.evaluate((scheme) => {
		for (const c of document.querySelectorAll('.modal-ux .auth-container')) {
			const h = c.querySelector('h4');
			if (h && h.textContent.trim().split(/\s/)[0] === scheme) {
				c.setAttribute('data-test-scheme', scheme);
				return true;
			}
		}
		return false;
	}, scheme);
	if (!marked)
		throw new Error(`no ${scheme} in the Authorize dialog`);
	const box = `[data-test-scheme="${scheme}"]`;
	await page.type(`${box} input`, value);
	await page.click(`${box} button[aria-label="Apply credentials"]`);
	await page.waitForSelector(`${box} button[aria-label="Remove authorization"]`, { timeout: WAIT });
	await page.click('.modal-ux .close-modal');
	await page.waitForSelector('.modal-ux', { hidden: true, timeout: WAIT });
}

async function logout(page, scheme) {
	await page.click('.auth-wrapper .authorize');
	await page.waitForSelector('.modal-ux .auth-container', { timeout: WAIT });
	await page.evaluate((scheme) => {
		for (const c of document.querySelectorAll('.modal-ux .auth-container')) {
			const h = c.querySelector('h4');
			const b = c.querySelector('button[aria-label="Remove authorization"]');
			if (h && b && h.textContent.trim().split(/\s/)[0] === scheme)
				b.click();
		}
	}, scheme);
	await page.click('.modal-ux .close-modal');
	await page.waitForSelector('.modal-ux', { hidden: true, timeout: WAIT });
}

function schemeOf(doc, test) {
	const schemes = (doc.components && doc.components.securitySchemes) || {};
	return Object.keys(schemes).find((k) => test(schemes[k])) || null;
}

async function swagger(browser, doc, docText, ops, tags) {
	const name = `${PREFIX}/docs`;
	const { page, seen, response } = await open(browser, '/docs', docText);

	check(response.status() === 200 && /text\/html/.test(response.headers()['content-type'] || ''),
		`GET ${name} is an HTML page (${response.status()})`);
	checkPolicy(name, response);
	try {
		await page.waitForSelector('.swagger-ui .opblock', { timeout: WAIT });
	} catch {
		comment(seen.errors.join('\n'));
	}
	await page.screenshot({ path: join(OUT, 'docs.png'), fullPage: true });

	const shown = await page.evaluate(() =>
		[...document.querySelectorAll('.opblock-tag')].map((t) => t.getAttribute('data-tag')));
	const missingTags = tags.filter((t) => !shown.includes(t));
	check(missingTags.length === 0, `${name} shows every tag of the document (${tags.length})`,
		`missing: ${missingTags.join(', ')}`);

	const listed = new Set(await swaggerOps(page));
	const missingOps = ops.filter((o) => !listed.has(`${o.method} ${o.path}`));
	check(missingOps.length === 0, `${name} shows every operation of the document (${ops.length})`,
		`missing: ${missingOps.map((o) => `${o.method.toUpperCase()} ${o.path}`).join(', ')}`);

	// "Try it out" on GET /health, against this origin.
	let status = '';
	try {
		status = await tryIt(page, 'get', '/health');
	} catch (e) {
		comment(e.message);
	}
	const hit = seen.apiRequests.find((r) => r.method === 'GET' && r.path === `${PREFIX}/health`);
	check(status === '200' && hit !== undefined,
		`${name}: "Try it out" -> Execute on GET /health shows 200, asked of this origin`,
		`status shown: ${status || '(none)'}; requests: ${seen.requests.slice(-5).join(' ')}`);
	const health = await page.$('[data-test-op="get /health"]');
	if (health)
		await health.screenshot({ path: join(OUT, 'docs-try-health.png') });

	// Authorize once with an API key, call GET /auth/me; reload, call again.
	const me = ops.find((o) => o.method === 'get' && o.path === '/auth/me');
	const apiKeyScheme = schemeOf(doc, (s) => s.type === 'apiKey');
	const bearerScheme = schemeOf(doc, (s) => s.type === 'http' && /^bearer$/i.test(s.scheme || ''));
	const apiKey = process.env.API_KEY || '';
	const token = process.env.BEARER_TOKEN || '';
	if (!me || !apiKeyScheme || !apiKey) {
		skip(`${name}: authorize with an API key, then GET /auth/me shows 200`,
			!apiKey ? 'no API_KEY' : 'no GET /auth/me or no apiKey scheme in the document');
		skip(`${name}: the API key is kept across a reload (persistAuthorization)`, 'as above');
	} else {
		const sentKey = () => seen.apiRequests.filter((r) => r.path === `${PREFIX}/auth/me` &&
			r.headers['x-api-key'] === apiKey).length;
		status = '';
		try {
			await authorize(page, apiKeyScheme, apiKey);
			status = await tryIt(page, 'get', '/auth/me');
		} catch (e) {
			comment(e.message);
		}
		check(status === '200' && sentKey() === 1,
			`${name}: authorize once with an API key (${apiKeyScheme}), then GET /auth/me shows 200`,
			`status shown: ${status || '(none)'}; requests with the key: ${sentKey()}`);
		const meBlock = await page.$('[data-test-op="get /auth/me"]');
		if (meBlock)
			await meBlock.screenshot({ path: join(OUT, 'docs-auth-me.png') });

		status = '';
		try {
			await page.reload({ waitUntil: 'networkidle0', timeout: WAIT });
			await page.waitForSelector('.swagger-ui .opblock', { timeout: WAIT });
			status = await tryIt(page, 'get', '/auth/me');
		} catch (e) {
			comment(e.message);
		}
		check(status === '200' && sentKey() === 2,
			`${name}: the API key is kept across a reload (persistAuthorization): GET /auth/me shows 200 again`,
			`status shown: ${status || '(none)'}; requests with the key: ${sentKey()}`);

		if (!bearerScheme || !token) {
			skip(`${name}: authorize with a bearer token, then GET /auth/me shows 200`,
				!token ? 'no BEARER_TOKEN' : 'no http bearer scheme in the document');
		} else {
			status = '';
			try {
				await logout(page, apiKeyScheme);
				await authorize(page, bearerScheme, token);
				await clearIt(page, 'get', '/auth/me');
				status = await tryIt(page, 'get', '/auth/me');
			} catch (e) {
				comment(e.message);
			}
			const last = seen.apiRequests.filter((r) => r.path === `${PREFIX}/auth/me`).pop() || { headers: {} };
			check(status === '200' && last.headers.authorization === `Bearer ${token}` &&
				last.headers['x-api-key'] === undefined,
				`${name}: authorize with a bearer token (${bearerScheme}) instead, then GET /auth/me shows 200`,
				`status shown: ${status || '(none)'}; last request's headers: ${Object.keys(last.headers).join(' ')}`);
		}
	}

	// Draw the rest too, so that the policy is checked against it: every
	// schema of "Schemas" expanded all the way, and the first operation
	// with a request body opened in "Try it out" (its body editor).
	try {
		await page.evaluate(() => {
			for (const b of document.querySelectorAll('section.models .json-schema-2020-12-expand-deep-button'))
				b.click();
		});
		const withBody = ops.find((o) => doc.paths[o.path][o.method].requestBody);
		if (withBody) {
			await page.evaluate(() => window.scrollTo(0, 0));
			await markOp(page, withBody.method, withBody.path);
			const op = `[data-test-op="${withBody.method} ${withBody.path}"]`;
			await page.click(`${op} .opblock-summary-control`);
			await (await page.waitForSelector(`${op} .try-out__btn`, { timeout: WAIT })).click();
			await page.waitForSelector(`${op} textarea.body-param__text`, { timeout: WAIT });
		}
		await page.screenshot({ path: join(OUT, 'docs-expanded.png'), fullPage: true });
	} catch (e) {
		comment(`expanding the page: ${e.message}`);
	}

	checkHosts(name, seen);
	await checkCsp(name, page, seen);
	await page.close();
}

// ------------------------------------------------------------------ ReDoc

async function redoc(browser, doc, docText, ops, tags) {
	const name = `${PREFIX}/redoc`;
	const { page, seen, response } = await open(browser, '/redoc', docText);

	check(response.status() === 200 && /text\/html/.test(response.headers()['content-type'] || ''),
		`GET ${name} is an HTML page (${response.status()})`);
	checkPolicy(name, response);
	try {
		await page.waitForSelector('[data-section-id^="operation/"], [data-section-id*="/operation/"]',
			{ timeout: WAIT });
	} catch {
		comment(seen.errors.join('\n'));
	}
	await page.screenshot({ path: join(OUT, 'redoc.png') });

	// ReDoc's sections: tag/<tag>, tag/<tag>/operation/<operationId> (or
	// .../paths/<path>/<method> without an operationId).
	const ids = new Set(await page.evaluate(() =>
		[...document.querySelectorAll('[data-section-id]')].map((e) => e.getAttribute('data-section-id'))));
	const missingTags = tags.filter((t) => t !== 'default' && !ids.has(`tag/${t}`));
	check(missingTags.length === 0, `${name} shows every tag of the document (${tags.length})`,
		`missing: ${missingTags.join(', ')}`);
	const texts = await page.evaluate(() => document.body.innerText);
	const missingOps = ops.filter((o) => {
		const idOk = o.id ? [...ids].some((i) => i === `operation/${o.id}` || i.endsWith(`/operation/${o.id}`))
			: [...ids].some((i) => i.endsWith(`/paths/${o.path}/${o.method}`));
		return !idOk || !texts.includes(o.path);
	});
	check(missingOps.length === 0, `${name} shows every operation of the document (${ops.length})`,
		`missing: ${missingOps.map((o) => `${o.method.toUpperCase()} ${o.path} (${o.id || 'no id'})`).join(', ')}`);

	checkHosts(name, seen);
	await checkCsp(name, page, seen);
	await page.close();
}

// ------------------------------------------------------------------ main

// The clients' addresses: with the API at the site's root, /api/docs and
// /api/redoc redirect to /docs and /redoc (under a prefix, the pages are
// already at <prefix>/docs and <prefix>/redoc).
async function apiAddresses(browser, docText) {
	if (PREFIX !== '')
		return;
	for (const p of ['docs', 'redoc']) {
		let where = '';
		let shown = false;
		const page = await browser.newPage();
		try {
			await page.setRequestInterception(true);
			page.on('request', (req) => {
				const u = new URL(req.url());
				if (FIXTURE && u.pathname === '/openapi.json')
					return req.respond({ status: 200, contentType: 'application/json', body: docText });
				return u.origin === ORIGIN || u.protocol === 'data:' || u.protocol === 'blob:'
					? req.continue() : req.abort('blockedbyclient');
			});
			await page.goto(`${ORIGIN}/api/${p}`, { waitUntil: 'networkidle0', timeout: WAIT });
			where = new URL(page.url()).pathname;
			shown = (await page.$(p === 'docs' ? '.swagger-ui .opblock' : '[data-section-id]')) !== null;
		} catch (e) {
			comment(e.message);
		}
		await page.close();
		check(shown && where === `/${p}`, `/api/${p} leads to the ${p === 'docs' ? 'Swagger UI' : 'ReDoc'} page`,
			`ended at ${where || '(nowhere)'}, page ${shown ? '' : 'not '}shown`);
	}
}

async function main() {
	const started = Date.now();
	let docText;
	try {
		docText = await documentText();
	} catch (e) {
		check(false, 'the served OpenAPI document', e.message);
		return;
	}
	// GET / links the pages and the document, under the API's prefix.
	let links = {};
	try {
		links = (await (await fetch(`${BASE}/`)).json()).links || {};
	} catch (e) {
		comment(e.message);
	}
	check(links.docs === `${PREFIX}/docs` && links.redoc === `${PREFIX}/redoc` &&
		links.openapi === `${PREFIX}/openapi.json`,
		`GET ${PREFIX}/ links docs, redoc and openapi`, `links: ${JSON.stringify(links)}`);
	const doc = JSON.parse(docText);
	const ops = operations(doc);
	const tags = tagNames(doc, ops);
	comment(`the document: ${ops.length} operations, ${tags.length} tags`);

	const browser = await puppeteer.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		// Chromium's sandbox refuses to run as root; the test runs as root.
		args: [
			...(process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []),
			'--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
			'--disable-background-networking', '--disable-component-update',
		],
	});
	try {
		comment(`browser: ${await browser.version()}`);
		await swagger(browser, doc, docText, ops, tags);
		await redoc(browser, doc, docText, ops, tags);
		await apiAddresses(browser, docText);
	} finally {
		await browser.close();
	}
	comment(`screenshots in ${OUT}; ${((Date.now() - started) / 1000).toFixed(1)} s in the browser`);
}

main().catch((e) => {
	check(false, 'the browser test ran to its end', e.stack || String(e));
}).finally(() => {
	console.log(`1..${n}`);
	process.exitCode = failed ? 1 : 0;
});
