-- lighttpd/drop-underscore-headers.lua: forget request headers whose names
-- hold an underscore, before the request reaches Stratus (mod_magnet).
--
-- CGI and FastCGI name a header HTTP_<NAME> with "-" turned into "_", so
-- "X_API_Key" and "X-API-Key" arrive as the same HTTP_X_API_KEY: a proxy or
-- filter in front that knows only the dashed name would let the other one
-- through. nginx (underscores_in_headers off) and Apache drop such headers;
-- lighttpd passes them on, hence this script. No header Stratus reads has
-- an underscore in its name.
local drop = {}
for name, _ in pairs(lighty.r.req_header) do
	if string.find(name, "_", 1, true) then
		drop[#drop + 1] = name
	end
end
for _, name in ipairs(drop) do
	lighty.r.req_header[name] = nil
end
return 0
