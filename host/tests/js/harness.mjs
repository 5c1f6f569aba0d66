// nostr-tools BunkerSigner harness for clave-host's interop tests (host/tests/nostr_tools.rs).
//
//   node harness.mjs bunker <bunker-uri>          pair, then every method once
//   node harness.mjs nostrconnect <relay-url>     print a nostrconnect:// URI, wait for the signer
//   node harness.mjs protected <bunker-uri>       sign kind 0 twice (the test approves, then denies)
//
// Output: one JSON object per line on stdout. Every wait is bounded; exit code 0 on success.
import WebSocket from 'ws'
import { useWebSocketImplementation, SimplePool } from 'nostr-tools/pool'
import { BunkerSigner, parseBunkerInput, createNostrConnectURI } from 'nostr-tools/nip46'
import { generateSecretKey, getPublicKey, verifyEvent } from 'nostr-tools/pure'
import * as nip44 from 'nostr-tools/nip44'
import * as nip04 from 'nostr-tools/nip04'

// Node 20 has no global WebSocket: give nostr-tools the `ws` package, through a pool we pass
// to BunkerSigner (nip46's bundled default pool would not see the implementation).
useWebSocketImplementation(WebSocket)
const params = () => ({ pool: new SimplePool() })

const STEP_MS = 15000
const TRICKY = 'héllo wörld 🌍 — 日本語\nsecond line\t"quoted" \\ back/slash \u001besc'
const TAGS = [
  ['t', 'ünïcode "tag"\nwith newline'],
  ['client', 'clave test ✓', '\\'],
]

const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

function bounded(promise, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout: ${what}`)), STEP_MS)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

async function everyMethod(signer, checks) {
  const pubkey = await bounded(signer.getPublicKey(), 'get_public_key')
  const template = { kind: 1, created_at: Math.floor(Date.now() / 1000), tags: TAGS, content: TRICKY }
  const signed = await bounded(signer.signEvent(template), 'sign_event')
  checks.sign_verifies = verifyEvent(signed)
  checks.sign_verbatim =
    signed.content === TRICKY &&
    JSON.stringify(signed.tags) === JSON.stringify(TAGS) &&
    signed.kind === 1 &&
    signed.created_at === template.created_at &&
    signed.pubkey === pubkey

  const peerSk = generateSecretKey()
  const peerPk = getPublicKey(peerSk)
  const peerToUser = nip44.getConversationKey(peerSk, pubkey)
  const ct44 = await bounded(signer.nip44Encrypt(peerPk, TRICKY), 'nip44_encrypt')
  checks.nip44_encrypt = nip44.decrypt(ct44, peerToUser) === TRICKY
  const pt44 = await bounded(signer.nip44Decrypt(peerPk, nip44.encrypt('to the user ✓', peerToUser)), 'nip44_decrypt')
  checks.nip44_decrypt = pt44 === 'to the user ✓'

  const ct04 = await bounded(signer.nip04Encrypt(peerPk, TRICKY), 'nip04_encrypt')
  checks.nip04_encrypt = (await nip04.decrypt(peerSk, pubkey, ct04)) === TRICKY
  const pt04 = await bounded(signer.nip04Decrypt(peerPk, await nip04.encrypt(peerSk, pubkey, 'legacy ✓')), 'nip04_decrypt')
  checks.nip04_decrypt = pt04 === 'legacy ✓'

  await bounded(signer.ping(), 'ping')
  checks.ping = true
  return { pubkey, signed }
}

async function bunker(uri) {
  const bp = await parseBunkerInput(uri)
  if (!bp) throw new Error('nostr-tools could not parse the bunker URI')
  const signer = BunkerSigner.fromBunker(generateSecretKey(), bp, params())
  await bounded(signer.connect({ name: 'nostr-tools harness' }), 'connect')
  const checks = { connect: true }
  const { pubkey, signed } = await everyMethod(signer, checks)
  out({ mode: 'bunker', pubkey, signed, checks })
  await signer.close()
}

async function nostrconnect(relay) {
  const sk = generateSecretKey()
  const secret = Math.random().toString(36).slice(2, 12)
  const uri = createNostrConnectURI({
    clientPubkey: getPublicKey(sk),
    relays: [relay],
    secret,
    perms: ['sign_event:1', 'nip44_encrypt', 'nip44_decrypt', 'nip04_encrypt', 'nip04_decrypt'],
    name: 'nostr-tools harness',
    url: 'https://example.com',
  })
  out({ mode: 'nostrconnect', uri })
  const signer = await BunkerSigner.fromURI(sk, uri, params(), STEP_MS)
  const checks = { paired: true }
  const { pubkey, signed } = await everyMethod(signer, checks)
  out({ mode: 'nostrconnect', pubkey, signed, checks })
  await signer.close()
}

async function protectedKind(uri) {
  const bp = await parseBunkerInput(uri)
  const signer = BunkerSigner.fromBunker(generateSecretKey(), bp, params())
  await bounded(signer.connect(), 'connect')
  const pubkey = await bounded(signer.getPublicKey(), 'get_public_key')
  out({ step: 'paired', pubkey })
  for (const step of ['first', 'second']) {
    const template = { kind: 0, created_at: Math.floor(Date.now() / 1000), tags: [], content: '{"name":"clave ✓"}' }
    try {
      const signed = await bounded(signer.signEvent(template), `sign kind 0 (${step})`)
      out({ step, ok: true, verifies: verifyEvent(signed), signed })
    } catch (e) {
      out({ step, ok: false, reason: String(e?.message ?? e) })
    }
  }
  await signer.close()
}

const [mode, arg] = process.argv.slice(2)
const run = { bunker, nostrconnect, protected: protectedKind }[mode]
if (!run || !arg) {
  out({ error: 'usage: harness.mjs bunker|nostrconnect|protected <uri-or-relay>' })
  process.exit(2)
}
run(arg).then(
  () => process.exit(0),
  (e) => {
    const inner = e?.errors ? ' ← ' + e.errors.map((x) => String(x?.message ?? x)).join('; ') : ''
    out({ error: String(e?.stack ?? e) + inner })
    process.exit(1)
  },
)
