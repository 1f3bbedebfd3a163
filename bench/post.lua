-- post.lua — wrk script: replay one fixed DynamoDB request.  Environment: BENCH_TARGET (X-Amz-Target operation),
-- BENCH_BODY (a file holding the JSON body).  DynamoDB Local does not check signatures; the header has the shape.
local target = os.getenv("BENCH_TARGET")
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
local body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "DynamoDB_20120810." .. target
wrk.headers["X-Amz-Date"] = "20240101T000000Z"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20240101/us-east-1/dynamodb/aws4_request, " ..
	"SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" .. string.rep("0", 64)


-- BENCH_BODIES (optional): a file of request bodies, one per line, sent in turn (a replayed Scan walk).
local many = os.getenv("BENCH_BODIES")
if many and many ~= "" then
	local bodies = {}
	for line in io.lines(many) do bodies[#bodies + 1] = line end
	local i = 0
	request = function()
		i = i % #bodies + 1
		return wrk.format(nil, nil, nil, bodies[i])
	end
end
