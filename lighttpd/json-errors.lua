-- lighttpd/json-errors.lua: lighttpd's own error pages in the application's
-- one JSON error schema (mod_magnet, magnet.attract-response-start-to).
--
-- lighttpd answers some requests itself, with an HTML page: a malformed
-- request (400), a POST without Content-Length (411, which no setting of
-- lighttpd 1.4 lifts), a body over server.max-request-size (413), a URI or
-- headers too large (431: lighttpd 1.4 never sends 414), a path outside the
-- application (404), the responders not answering (500, 502, 503, 504). This script runs as each
-- response starts and replaces such a page by the body fcgi/response.c
-- (api_error_body) makes, with Content-Type application/json. The
-- application's own answers (JSON already) pass untouched.
--
-- Names and codes follow the table in fcgi/response.c; statuses it does not
-- have are named the same way. The request id is the client's X-Request-ID
-- when the application would keep it (1-64 of [A-Za-z0-9._:-]), else a
-- random UUID; the timestamp is UTC.
local r = lighty.r
local status = r.req_item.http_status
if status < 400 or status > 599 then
	return 0
end
local ctype = r.resp_header["Content-Type"]
if ctype ~= nil and string.find(string.lower(ctype), "^application/[%w.+-]*json") then
	return 0 -- the application's error
end

local errors = {
	[400] = { "ValidationError", "VALIDATION_ERROR", "the web server could not parse the request" },
	[403] = { "Forbidden", "FORBIDDEN", "access to this resource is forbidden" },
	[404] = { "NotFound", "NOT_FOUND", "no such resource" },
	[405] = { "MethodNotAllowed", "METHOD_NOT_ALLOWED", "method not allowed" },
	[408] = { "RequestTimeout", "REQUEST_TIMEOUT", "the request was not received in time" },
	[411] = { "LengthRequired", "LENGTH_REQUIRED",
		"a POST needs Content-Length, even without a body: send Content-Length: 0" },
	[413] = { "PayloadTooLarge", "PAYLOAD_TOO_LARGE", "the request body is too large" },
	[414] = { "URITooLong", "URI_TOO_LONG", "the request URI is too long" },
	[417] = { "ExpectationFailed", "EXPECTATION_FAILED", "the Expect header cannot be met" },
	[431] = { "RequestHeaderFieldsTooLarge", "REQUEST_HEADER_FIELDS_TOO_LARGE",
		"the request headers are too large" },
	[500] = { "InternalServerError", "INTERNAL_SERVER_ERROR",
		"the web server could not complete the request" },
	[501] = { "NotImplemented", "NOT_IMPLEMENTED", "method not implemented" },
	[502] = { "BadGateway", "BAD_GATEWAY", "the application did not answer" },
	[503] = { "ServiceUnavailable", "SERVICE_UNAVAILABLE", "the application is not available" },
	[504] = { "GatewayTimeout", "GATEWAY_TIMEOUT", "the application did not answer in time" },
	[505] = { "HTTPVersionNotSupported", "HTTP_VERSION_NOT_SUPPORTED", "HTTP version not supported" },
}
local e = errors[status]
if e == nil then
	e = status < 500 and { "BadRequest", "BAD_REQUEST", "the web server refused the request" }
		or errors[500]
end

local rid = r.req_header["X-Request-ID"]
if rid == nil or #rid > 64 or not string.find(rid, "^[%w._:-]+$") then
	rid = string.format("%08x-%04x-4%03x-%04x-%04x%08x", math.random(0, 0xffffffff),
		math.random(0, 0xffff), math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff),
		math.random(0, 0xffff), math.random(0, 0xffffffff))
end

r.resp_header["Content-Type"] = "application/json"
r.resp_header["X-Request-ID"] = rid
r.resp_header["Cache-Control"] = "no-store"
r.resp_body.set({ string.format(
	'{"error":"%s","message":"%s","detail":"%s","error_code":"%s","status_code":%d,'
		.. '"request_id":"%s","timestamp":"%s"}\n',
	e[1], e[3], e[3], e[2], status, rid, os.date("!%Y-%m-%dT%H:%M:%SZ")) })
-- resp_body.set() reopened the response body: returning the status (the same
-- one) marks it complete again, so lighttpd sends its length and ends it.
return status
