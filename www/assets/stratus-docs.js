/*
 * www/assets/stratus-docs.js: starts Swagger UI (docs.html) or ReDoc
 * (redoc.html) on the OpenAPI document of the API these pages are served
 * beside. A file of its own, not an inline script, so that a strict
 * Content-Security-Policy (script-src 'self') holds.
 *
 * The page is <prefix>/docs or <prefix>/redoc, and the API lives under the
 * same <prefix> (empty when the API has the site's root, /api behind the
 * example configs' prefix): the document is <prefix>/openapi.json and
 * "Try it out" sends its requests to this origin + <prefix>, whatever the
 * document's own "servers" say (they are kept after it when absolute).
 */
(function () {
	'use strict';

	var prefix = window.location.pathname.replace(/\/(docs|redoc)\/?$/, '');
	var here = window.location.origin + prefix;

	// fail MESSAGE: says on the page why there is no documentation.
	function fail(message) {
		var p = document.getElementById('stratus-docs-error');
		p.textContent = message;
		p.hidden = false;
	}

	// The document, with this server first in its "servers".
	function load() {
		var url = prefix + '/openapi.json';
		return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
			.then(function (r) {
				if (!r.ok)
					throw new Error('GET ' + url + ' answered ' + r.status);
				return r.json();
			})
			.then(function (doc) {
				var others = (doc.servers || []).filter(function (s) {
					return s && typeof s.url === 'string' && /^https?:\/\//.test(s.url) &&
						s.url.replace(/\/+$/, '') !== here;
				});
				doc.servers = [{ url: here, description: 'this server' }].concat(others);
				return doc;
			});
	}

	/*
	 * Swagger UI fetches the discovery document of every openIdConnect
	 * scheme as soon as the page loads. An issuer on another host is
	 * refused by the page's CSP (connect-src 'self'), and "Try it out"
	 * could not use it from here anyway: such a scheme is shown as what
	 * reaches the API, a bearer token from that issuer.
	 */
	function sameOriginOidc(doc) {
		var schemes = (doc.components && doc.components.securitySchemes) || {};

		Object.keys(schemes).forEach(function (name) {
			var s = schemes[name], u = null;

			if (!s || s.type !== 'openIdConnect')
				return;
			try {
				u = new URL(s.openIdConnectUrl, window.location.href);
			} catch (e) {
				u = null;
			}
			if (u && u.origin === window.location.origin)
				return;
			schemes[name] = {
				type: 'http',
				scheme: 'bearer',
				bearerFormat: 'JWT',
				description: (s.description ? s.description + '\n\n' : '') +
					'OpenID Connect (' + s.openIdConnectUrl + '): paste a token ' +
					'that issuer gave you.'
			};
		});
		return doc;
	}

	function swaggerUi(doc) {
		sameOriginOidc(doc);
		window.ui = window.SwaggerUIBundle({
			spec: doc,
			dom_id: '#swagger-ui',
			presets: [window.SwaggerUIBundle.presets.apis],
			layout: 'BaseLayout',
			deepLinking: true,
			docExpansion: 'list',
			filter: true,
			displayRequestDuration: true,
			// Authorize once: the API key or token is kept (localStorage)
			// across reloads of the page.
			persistAuthorization: true,
			// Never ask an outside validator about the document (the
			// default sends it to validator.swagger.io), and never take a
			// configuration or a document URL from the query string.
			validatorUrl: null,
			queryConfigEnabled: false
		});
	}

	function redoc(doc) {
		window.Redoc.init(doc, {
			expandResponses: '200,201',
			// System fonts: the defaults name Roboto and Montserrat,
			// which these offline hosts do not have and must not fetch.
			theme: {
				typography: {
					fontFamily: 'system-ui, sans-serif',
					headings: { fontFamily: 'system-ui, sans-serif' },
					code: { fontFamily: 'ui-monospace, monospace' }
				}
			}
		}, document.getElementById('redoc'));
	}

	var start = document.getElementById('swagger-ui') ? swaggerUi : redoc;
	load().then(start).catch(function (e) {
		fail('The API documentation could not be loaded: ' + e.message);
	});
})();
