#!/usr/bin/env bats
# bulk_standin.bats — the strict stand-in for DynamoDB's export and import APIs (test/standins/dynamodb_bulk_standin.py)
# that the prod paths of `export --to s3://` and `import s3://` are tested against: it checks signatures and the
# botocore model, and really writes and reads DynamoDB's export layout in the suite's s3rver.  Driven here with
# botocore/boto3 themselves (the reference client), so what it accepts is what AWS's own SDK sends.

load test_helper

PY=/usr/bin/python3   # the system python: its botocore holds the model the stand-in checks

setup_file() {
	local pf=$BATS_FILE_TMPDIR/bulk.url i
	"$PY" "$DDB_TEST_ROOT/test/standins/dynamodb_bulk_standin.py" --port-file "$pf" --dynamodb "$DDB_TEST_LOCAL_URL" \
		--s3 "$DDB_TEST_S3_URL" --delay 0.3 --owner $$ </dev/null >"$BATS_FILE_TMPDIR/bulk.log" 2>&1 3>&- &
	export DDB_TEST_BULK_PID=$!
	for ((i = 0; i < 150; i++)); do
		[[ -s $pf ]] && break
		sleep 0.1
	done
	[[ -s $pf ]] || { echo "bulk stand-in did not start:" >&2; cat "$BATS_FILE_TMPDIR/bulk.log" >&2; return 1; }
	DDB_TEST_BULK_URL=$(<"$pf")
	export DDB_TEST_BULK_URL
}

teardown_file() {
	[[ -z ${DDB_TEST_BULK_PID-} ]] || kill "$DDB_TEST_BULK_PID" 2>/dev/null || true
}

setup() {
	curl -sSf -X POST "$DDB_TEST_BULK_URL/_standin/reset" >/dev/null
	NS=bulk$$x$BATS_TEST_NUMBER$RANDOM
}

# py SCRIPT: runs SCRIPT with botocore/boto3 pointed at the stand-in (client `ddb`, raw signed `send`)
py() {
	URL=$DDB_TEST_BULK_URL NS=$NS "$PY" -c "
import json, os, sys, time
import boto3, botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from urllib.request import Request, urlopen
from urllib.error import HTTPError
URL, NS = os.environ['URL'], os.environ['NS']
ddb = boto3.client('dynamodb', endpoint_url=URL, region_name='eu-west-1', aws_access_key_id='AKIDDDBBULK',
                   aws_secret_access_key='bulk-standin-secret')
def send(op, doc, secret='bulk-standin-secret', akid='AKIDDDBBULK', tamper=None):
    body = json.dumps(doc).encode()
    req = AWSRequest(method='POST', url=URL + '/', data=body, headers={
        'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.' + op})
    SigV4Auth(Credentials(akid, secret), 'dynamodb', 'eu-west-1').add_auth(req)
    if tamper:
        body = tamper(body)
    try:
        with urlopen(Request(URL + '/', data=body, headers=dict(req.headers), method='POST')) as r:
            return r.status, json.loads(r.read())
    except HTTPError as e:
        return e.code, json.loads(e.read())
def code(doc):
    return doc.get('__type', '').split('#')[-1]
$1"
}

@test "bulk stand-in: a signed request is served; a tampered body, a wrong secret or an unknown key is refused" {
	run py "
ddb.create_table(TableName=NS + 't', BillingMode='PAY_PER_REQUEST',
                 AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}],
                 KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}])
print(send('DescribeContinuousBackups', {'TableName': NS + 't'})[1]['ContinuousBackupsDescription']
      ['PointInTimeRecoveryDescription']['PointInTimeRecoveryStatus'])
s, d = send('DescribeContinuousBackups', {'TableName': NS + 't'}, tamper=lambda b: b.replace(b't\"', b'u\"'))
print(s, code(d))
s, d = send('DescribeContinuousBackups', {'TableName': NS + 't'}, secret='wrong')
print(s, code(d))
s, d = send('DescribeContinuousBackups', {'TableName': NS + 't'}, akid='AKIDNOBODY')
print(s, code(d))
s, d = send('DescribeContinuousBackups', {'TableName': NS + 't', 'Extra': 1})
print(s, code(d))
s, d = send('DescribeExport', {'ExportArn': 'arn:aws:dynamodb:eu-west-1:123456789012:table/x/export/1-a'})
print(s, code(d))
s, d = send('ExportTableToPointInTime', {'TableArn': 'arn:aws:dynamodb:eu-west-1:123456789012:table/' + NS + 't',
                                         'S3Bucket': 'ddb-export', 'ExportTime': '2024-01-01T00:00:00Z'})
print(s, code(d), 'botocore sends' in d['message'])
"
	assert_success
	assert_output "DISABLED
400 InvalidSignatureException
400 InvalidSignatureException
400 UnrecognizedClientException
400 ValidationException
400 ExportNotFoundException
400 ValidationException True"
	# only the well-signed, well-formed requests reached the operations
	run bash -c "curl -sSf '$DDB_TEST_BULK_URL/_standin/requests' | jq -r '.[].op'"
	assert_output "CreateTable
DescribeContinuousBackups
DescribeExport"
}

@test "bulk stand-in: export needs PITR, writes DynamoDB's layout to s3rver; ImportTable reads it into a new table" {
	run py "
t = NS + 'src'
ddb.create_table(TableName=t, BillingMode='PAY_PER_REQUEST',
                 AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}],
                 KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}])
for i in range(5):
    ddb.put_item(TableName=t, Item={'pk': {'S': 'k%d' % i}, 'n': {'N': '1234567890123456789012345678901234567%d' % i},
                                    'b': {'B': bytes([0, 255, i])}, 'ss': {'SS': ['a', 'b']}})
arn = ddb.describe_table(TableName=t)['Table']['TableArn']
try:
    ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket='ddb-export', S3Prefix=NS)
except ddb.exceptions.PointInTimeRecoveryUnavailableException:
    print('no pitr')
ddb.update_continuous_backups(TableName=t, PointInTimeRecoverySpecification={'PointInTimeRecoveryEnabled': True})
e = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket='ddb-export', S3Prefix=NS, ClientToken='tok1')
e2 = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket='ddb-export', S3Prefix=NS, ClientToken='tok1')
assert e['ExportDescription']['ExportArn'] == e2['ExportDescription']['ExportArn']
print(e['ExportDescription']['ExportStatus'])
while True:
    d = ddb.describe_export(ExportArn=e['ExportDescription']['ExportArn'])['ExportDescription']
    if d['ExportStatus'] != 'IN_PROGRESS':
        break
    time.sleep(0.1)
print(d['ExportStatus'], d['ItemCount'], d['ExportManifest'].split('/')[-1])
root = d['ExportManifest'].rsplit('/', 1)[0]
open(os.environ['BATS_TEST_TMPDIR'] + '/root', 'w').write(root)
i = ddb.import_table(S3BucketSource={'S3Bucket': 'ddb-export', 'S3KeyPrefix': root + '/data/'},
                     InputFormat='DYNAMODB_JSON', InputCompressionType='GZIP',
                     TableCreationParameters={'TableName': NS + 'dst', 'BillingMode': 'PAY_PER_REQUEST',
                         'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}],
                         'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}]})
while True:
    d = ddb.describe_import(ImportArn=i['ImportTableDescription']['ImportArn'])['ImportTableDescription']
    if d['ImportStatus'] != 'IN_PROGRESS':
        break
    time.sleep(0.1)
print(d['ImportStatus'], d['ImportedItemCount'], d['ErrorCount'], d['CloudWatchLogGroupArn'].split(':')[-2])
a = sorted(ddb.scan(TableName=t)['Items'], key=lambda x: x['pk']['S'])
b = sorted(ddb.scan(TableName=NS + 'dst')['Items'], key=lambda x: x['pk']['S'])
print('same' if a == b and len(a) == 5 else 'differ')
try:
    ddb.import_table(S3BucketSource={'S3Bucket': 'ddb-export'}, InputFormat='DYNAMODB_JSON',
                     TableCreationParameters={'TableName': NS + 'dst',
                         'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}],
                         'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}]})
except ddb.exceptions.ResourceInUseException:
    print('exists')
"
	assert_success
	assert_output "no pitr
IN_PROGRESS
COMPLETED 5 manifest-summary.json
COMPLETED 5 0 /aws-dynamodb/imports
same
exists"
	# the layout, read back with ddb's own S3 client: 5 items in files of 2 (3 data files), manifests, checksums
	use_s3
	local root
	root=$(<"$BATS_TEST_TMPDIR/root")
	run "$DDB" __s3 ls "s3://ddb-export/$root/"
	assert_success
	assert_line --regexp "^0	$root/_started$"
	assert_equal "$(grep -c "	$root/data/[a-z2-7]\{26\}\.json\.gz$" <<<"$output")" 3
	assert_line --regexp "	$root/manifest-files.json$"
	assert_line --regexp "	$root/manifest-summary.checksum$"
	run bash -c "'$DDB' __s3 get 's3://ddb-export/$root/manifest-summary.json' | jq -c '[.itemCount, .outputFormat, .exportType]'"
	assert_output '[5,"DYNAMODB_JSON","FULL_EXPORT"]'
	run bash -c "'$DDB' __s3 get 's3://ddb-export/$root/manifest-files.json' | jq -s 'map(.itemCount) | add'"
	assert_output 5
}

@test "bulk stand-in: ddb in prod mode signs for it and for s3rver with one key (the set-up export/import tests use)" {
	run py "
ddb.create_table(TableName=NS + 'p', BillingMode='PAY_PER_REQUEST',
                 AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}],
                 KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}])
"
	assert_success
	export AWS_ACCESS_KEY_ID=AKIDDDBBULK AWS_SECRET_ACCESS_KEY=bulk-standin-secret AWS_REGION=eu-west-1
	export AWS_ENDPOINT_URL_DYNAMODB=$DDB_TEST_BULK_URL AWS_ENDPOINT_URL_S3=$DDB_TEST_S3_URL
	run "$DDB" --prod describe "${NS}p" --raw --output json
	assert_success
	assert_equal "$(jq -r .TableName <<<"$output")" "${NS}p"
	run bash -c "printf 'x' | '$DDB' --prod __s3 put - 's3://ddb-export/$NS/x' && '$DDB' --prod __s3 ls 's3://ddb-export/$NS/'"
	assert_success
	assert_output "1	$NS/x"
	# describe asks for point-in-time recovery too: the stand-in answers that one itself
	run "$DDB" --prod describe "${NS}p" --output json
	assert_success
	# ddb's requests went through the signature and model checks
	run bash -c "curl -sSf '$DDB_TEST_BULK_URL/_standin/requests' | jq -r '.[].op'"
	assert_line DescribeTable
	assert_line DescribeContinuousBackups
	AWS_SECRET_ACCESS_KEY=wrong run "$DDB" --prod describe "${NS}p"
	assert_failure 77
	assert_output --partial InvalidSignatureException
}
