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


-- BENCH_BODIES (optional): a file of request bodies, one per line, sent in turn (a replayed Scan walk, or the
-- batches of a whole seed file).  Thread k of T sends bodies k, k+T, k+2T, ... so that the threads share the list
-- instead of each sending all of it (distinct batches stay distinct writes).
local many = os.getenv("BENCH_BODIES")
if many and many ~= "" then
	local nthreads = 0
	function setup(thread)
		thread:set("tid", nthreads)
		nthreads = nthreads + 1
	end
	function init(args)
		bodies = {}
		for line in io.lines(many) do bodies[#bodies + 1] = line end
		step = tonumber(os.getenv("BENCH_THREADS") or "1")
		i = (tid or 0) % #bodies
	end
	request = function()
		local b = bodies[i + 1]
		i = (i + step) % #bodies
		return wrk.format(nil, nil, nil, b)
	end
end
