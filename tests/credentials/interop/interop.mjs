// Cross-checks microcred credentials with Digital Bazaar's JavaScript stack
// (@digitalbazaar/vc + data-integrity + eddsa-rdfc-2022-cryptosuite, jsonld.js in safe mode).
//
// Reads one JSON request on stdin and writes one JSON response on stdout:
//   {"contexts": "<dir with index.json>", "tasks": [task, ...]}
// Tasks:
//   {"op": "verify", "credential": {...}, "statusLists": {url: signed list}, "now": iso?}
//   {"op": "sign", "credential": {...}, "seed": "<64 hex>", "created": iso}
//   {"op": "canonize", "document": {...}}      (RDFC-1.0 N-Quads, as the cryptosuite makes them)
// Response: {"results": [...], "requested": [every URL the document loader was asked for]}.
//
// The document loader serves ONLY the contexts pinned in microcred's specdata (index.json
// maps URL -> file) and did:key documents; any other URL is an error, so nothing is fetched.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {gunzipSync} from 'node:zlib';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import jsonld from 'jsonld';

const request = JSON.parse(readFileSync(0, 'utf8'));
const index = JSON.parse(readFileSync(join(request.contexts, 'index.json'), 'utf8'));
const requested = [];

const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

async function documentLoader(url) {
  requested.push(url);
  if(Object.hasOwn(index, url)) {
    const document = JSON.parse(readFileSync(join(request.contexts, index[url]), 'utf8'));
    return {contextUrl: null, documentUrl: url, document};
  }
  if(url.startsWith('did:key:')) {
    const document = await didKey.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`document loader: ${url} is neither a pinned context nor a did:key`);
}

function verifySuite() {
  return new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
}

// Bitstring Status List v1.0: verify the list credential, then read the bit (MSB first).
function statusChecker(statusLists, now) {
  return async ({credential}) => {
    const entries = [].concat(credential.credentialStatus);
    for(const entry of entries) {
      if(entry.type !== 'BitstringStatusListEntry') {
        return {verified: false, error: `unsupported status type ${entry.type}`};
      }
      const list = statusLists[entry.statusListCredential];
      if(!list) {
        return {verified: false, error: `status list ${entry.statusListCredential} not supplied`};
      }
      const listResult = await vc.verifyCredential({
        credential: list, suite: verifySuite(), documentLoader, now
      });
      if(!listResult.verified) {
        return {verified: false, error: `status list does not verify: ${describe(listResult)}`};
      }
      const issuerOf = c => (typeof c.issuer === 'string' ? c.issuer : c.issuer.id);
      if(issuerOf(list) !== issuerOf(credential)) {
        return {verified: false, error: 'status list issuer differs from the credential issuer'};
      }
      const subject = list.credentialSubject;
      if(subject.statusPurpose !== entry.statusPurpose) {
        return {verified: false, error: 'status list purpose differs from the entry purpose'};
      }
      const encoded = subject.encodedList;
      if(!encoded.startsWith('u')) {
        return {verified: false, error: 'encodedList is not base64url multibase'};
      }
      const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
      const position = Number.parseInt(entry.statusListIndex, 10);
      const set = (bits[position >> 3] >> (7 - (position % 8))) & 1;
      if(set) {
        return {verified: false, error: `status bit set: ${entry.statusPurpose}`};
      }
    }
    return {verified: true};
  };
}

function describe(result) {
  const errors = [];
  const collect = e => {
    if(!e) {
      return;
    }
    if(Array.isArray(e)) {
      e.forEach(collect);
      return;
    }
    errors.push(e.message || String(e));
  };
  collect(result.error);
  for(const item of result.results || []) {
    collect(item.error);
  }
  if(result.statusResult && !result.statusResult.verified) {
    errors.push(`status: ${result.statusResult.error}`);
  }
  return [...new Set(errors)].join('; ');
}

async function verify(task) {
  const now = task.now ? new Date(task.now) : undefined;
  const result = await vc.verifyCredential({
    credential: task.credential,
    suite: verifySuite(),
    documentLoader,
    checkStatus: statusChecker(task.statusLists || {}, now),
    now
  });
  return {
    verified: result.verified,
    statusVerified: result.statusResult ? result.statusResult.verified : null,
    error: result.verified ? '' : describe(result)
  };
}

async function sign(task) {
  const seed = Uint8Array.from(Buffer.from(task.seed, 'hex'));
  const keyPair = await Ed25519Multikey.generate({seed});
  const did = `did:key:${keyPair.publicKeyMultibase}`;
  keyPair.controller = did;
  keyPair.id = `${did}#${keyPair.publicKeyMultibase}`;
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(), cryptosuite: eddsaRdfc2022, date: task.created
  });
  const credential = structuredClone(task.credential);
  const issuer = typeof credential.issuer === 'string' ? null : credential.issuer;
  if(issuer && task.setIssuer) {
    issuer.id = did;
  }
  const signed = await vc.issue({credential, suite, documentLoader, now: task.now});
  return {signed, did};
}

async function canonize(task) {
  return {nquads: await eddsaRdfc2022.canonize(task.document, {documentLoader})};
}

const operations = {verify, sign, canonize};
const results = [];
for(const task of request.tasks) {
  try {
    results.push({ok: true, ...(await operations[task.op](task))});
  } catch(error) {
    results.push({ok: false, error: `${error.name}: ${error.message}`});
  }
}
process.stdout.write(JSON.stringify({results, requested: [...new Set(requested)]}) + '\n');
