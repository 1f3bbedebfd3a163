// s3rver.js — start s3rver (pinned in package.json) for the tests, behind s3_front.py.
//
//   node s3rver.js PORT DIRECTORY BUCKET...
//
// Listens on 127.0.0.1:PORT, keeps objects under DIRECTORY, creates each BUCKET, and prints "ready" once it accepts
// connections.  s3rver 3.7 checks that the access key of a SigV4 request is known but not the signature itself
// ("Signature version 4 calculation is unimplemented"): s3_front.py checks every signature with botocore first.  The
// access keys the tests sign with are registered here (allowMismatchedSignatures stays false).
'use strict';
const crypto = require('crypto');

// s3rver's ListObjectsV2 continuation tokens are DES-encrypted, and OpenSSL 3 has DES only in its legacy provider
// (node 20 answers "Unsupported": every second page would be a 500).  When DES is missing, the token is kept in the
// clear instead: an opaque string either way, and s3rver's paging logic is unchanged.
for (const name of ['createCipheriv', 'createDecipheriv']) {
  const orig = crypto[name];
  crypto[name] = function (algorithm, ...rest) {
    try {
      return orig.call(crypto, algorithm, ...rest);
    } catch (err) {
      if (algorithm !== 'des') throw err;
      return { update: (b, enc) => Buffer.from(b, enc), final: () => Buffer.alloc(0) };
    }
  };
}
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

const [port, directory, ...buckets] = process.argv.slice(2);
for (const [akid, secret] of [['ddblocal', 'ddblocal'], ['AKIDDDBS3', 's3-standin-secret'],
  ['AKIDDDBBULK', 'bulk-standin-secret']]) {
  AWSAccount.DUMMY_ACCOUNT.createKeyPair(akid, secret);
}
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  allowMismatchedSignatures: false,
  vhostBuckets: false,
  configureBuckets: buckets.map((name) => ({ name, configs: [] })),
});
// s3_front.py owns us: when it is gone (killed with -9 too), so are we.
const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch (e) {
    process.exit(0);
  }
}, 2000).unref();
server.run().then(() => console.log('ready'), (err) => {
  console.error(err);
  process.exit(1);
});
