//! Every bridge function, called as Swift would (owned values in, owned values out): the happy
//! path and the errors the shell acts on.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{Client, NOW, bunker_secret, sign_event_params};
use nse_ffi::*;

const RELAY: &str = "wss://relay.example.com";
const SK: [u8; 32] = [0x11; 32];

fn entropy(n: u8) -> Vec<u8> {
    vec![n; entropy_len()]
}

/// A state with one account (the key `SK`) at `trust`, and its user key hex.
fn setup(trust: Trust) -> (Vec<u8>, String) {
    let user = public_key_hex(&SK).unwrap();
    let state = add_account(&new_state(), &user, vec![RELAY.into()], trust, &[7; 16]).unwrap();
    (state.bytes, user)
}

/// A client paired through the bunker secret; returns it and the new state.
fn paired(state: Vec<u8>, user: &str, seed: u8) -> (Client, Vec<u8>) {
    let client = Client::new(seed, user);
    let secret = bunker_secret(&bunker_uri(&state, user).unwrap());
    let ev = client.request("c", "connect", &format!(r#"["{user}","{secret}"]"#), NOW);
    let r = handle_request(&ev, &state, &SK, NOW, &entropy(1)).unwrap();
    let reply = r.reply.expect("connect replies");
    assert_eq!(
        client.read(&reply.event_json),
        r#"{"id":"c","result":"ack"}"#
    );
    assert!(matches!(r.activity.unwrap().verdict, Verdict::Paired));
    (client, r.state)
}

#[test]
fn keys_generate_import_export_round_trip() {
    let sk = generate_secret_key(&[0x42; 32]).unwrap();
    assert_eq!(sk.bytes(), &[0x42; 32]);
    let nsec = export_nsec(sk.bytes()).unwrap();
    let nsec = std::str::from_utf8(nsec.bytes()).unwrap().to_owned();
    assert!(nsec.starts_with("nsec1"));
    assert_eq!(import_secret_key(&nsec).unwrap().bytes(), &[0x42; 32]);
    let hex = export_secret_hex(sk.bytes()).unwrap();
    assert_eq!(std::str::from_utf8(hex.bytes()).unwrap(), "42".repeat(32));
    assert_eq!(
        import_secret_key(&format!(" {} \n", "42".repeat(32)))
            .unwrap()
            .bytes(),
        &[0x42; 32]
    );
    // Odd-y keys too: export returns exactly the imported scalar.
    for b in 1u8..=8 {
        let k = import_secret_key(&format!("{b:02x}").repeat(32)).unwrap();
        assert_eq!(k.bytes(), &[b; 32]);
    }
    let pk = public_key_hex(sk.bytes()).unwrap();
    assert_eq!(pk.len(), 64);
    let npub = public_key_npub(sk.bytes()).unwrap();
    assert_eq!(npub_from_hex(&pk).unwrap(), npub);
    assert!(format!("{sk:?}").contains(".."), "Debug is redacted");
}

#[test]
fn keys_bad_input_is_invalid_key() {
    assert_eq!(
        generate_secret_key(&[0; 32]).err(),
        Some(FfiError::InvalidKey)
    );
    assert_eq!(
        generate_secret_key(&[1; 31]).err(),
        Some(FfiError::InvalidKey)
    );
    assert_eq!(
        generate_secret_key(&[0xff; 32]).err(),
        Some(FfiError::InvalidKey)
    );
    let nsec = export_nsec(&[5; 32]).unwrap();
    let mut bad = std::str::from_utf8(nsec.bytes()).unwrap().to_owned();
    bad.pop();
    bad.push('q');
    assert_eq!(import_secret_key(&bad).err(), Some(FfiError::InvalidKey));
    assert_eq!(import_secret_key("nsec1").err(), Some(FfiError::InvalidKey));
    assert_eq!(import_secret_key("zz").err(), Some(FfiError::InvalidKey));
    assert_eq!(export_nsec(&[]).err(), Some(FfiError::InvalidKey));
    assert_eq!(public_key_hex(&[0; 32]).err(), Some(FfiError::InvalidKey));
    assert_eq!(npub_from_hex("00").err(), Some(FfiError::InvalidKey));
}

#[test]
fn nip98_header_verifies_at_the_proxy() {
    let url = "https://push.example/register";
    let body = br#"{"token":"abcd","env":"sandbox"}"#;
    let h = nip98_header(&SK, url, "POST", body, NOW, &[3; 32]).unwrap();
    assert!(h.starts_with("Nostr "));
    let mut scratch = vec![0u8; 4096];
    let pk = signer_core::nip98::verify_header(
        h.as_bytes(),
        url,
        "POST",
        Some(body),
        NOW + 5,
        &mut scratch,
    )
    .unwrap();
    assert_eq!(
        &signer_core::hex::encode_array::<32, 64>(pk.as_bytes())[..],
        public_key_hex(&SK).unwrap().as_bytes()
    );
    assert!(matches!(
        nip98_header(&SK, url, "POST", body, NOW, &[3; 31]),
        Err(FfiError::InvalidInput(_))
    ));
}

#[test]
fn accounts_edit_and_list() {
    let (state, user) = setup(Trust::Medium);
    let accounts = list_accounts(&state).unwrap();
    assert_eq!(accounts.len(), 1);
    let a = accounts.get(0).unwrap();
    assert_eq!(
        (a.pubkey.as_str(), a.transport_pubkey.as_str()),
        (user.as_str(), user.as_str())
    );
    assert_eq!(a.relays, vec![RELAY.to_owned()]);
    assert!(matches!(a.default_trust, Trust::Medium));
    assert!(accounts.get(1).is_none());

    let uri = bunker_uri(&state, &user).unwrap();
    assert!(uri.starts_with(&format!("bunker://{user}?relay=")), "{uri}");
    let rotated = rotate_bunker_secret(&state, &user, &[8; 16]).unwrap().bytes;
    assert_ne!(bunker_uri(&rotated, &user).unwrap(), uri);

    let state = set_relays(
        &state,
        &user,
        vec!["wss://a.example".into(), "wss://b.example".into()],
    )
    .unwrap()
    .bytes;
    let state = set_protected_kinds(&state, &user, vec![1, 7])
        .unwrap()
        .bytes;
    let state = set_default_trust(&state, &user, Trust::Low).unwrap().bytes;
    let a = list_accounts(&state).unwrap().get(0).unwrap();
    assert_eq!(a.relays.len(), 2);
    assert_eq!(a.protected_kinds, vec![1, 7]);
    assert!(matches!(a.default_trust, Trust::Low));

    // Errors.
    let other = public_key_hex(&[0x22; 32]).unwrap();
    assert_eq!(
        bunker_uri(&state, &other).err(),
        Some(FfiError::NotFound("account".into()))
    );
    assert!(matches!(
        set_relays(&state, &user, vec!["http://x".into()]),
        Err(FfiError::InvalidInput(_))
    ));
    assert!(matches!(
        add_account(&state, &user, vec![RELAY.into()], Trust::Full, &[1; 16]),
        Err(FfiError::InvalidInput(_))
    ));
    assert!(matches!(
        add_account(&state, &other, vec![RELAY.into()], Trust::Full, &[1; 15]),
        Err(FfiError::InvalidInput(_))
    ));
    let state = remove_account(&state, &user).unwrap().bytes;
    assert_eq!(list_accounts(&state).unwrap().len(), 0);
    assert_eq!(
        remove_account(&state, &user).err(),
        Some(FfiError::NotFound("account".into()))
    );
}

#[test]
fn corrupt_state_blob_is_corrupt_state() {
    let (state, user) = setup(Trust::Full);
    let mut bad = state.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x55;
    for blob in [&b""[..], b"garbage", &bad, &state[..state.len() - 1]] {
        assert_eq!(list_accounts(blob).err(), Some(FfiError::CorruptState));
        assert_eq!(bunker_uri(blob, &user).err(), Some(FfiError::CorruptState));
        assert_eq!(
            handle_request(b"{}", blob, &SK, NOW, &entropy(1)).err(),
            Some(FfiError::CorruptState)
        );
        assert_eq!(list_pending(blob).err(), Some(FfiError::CorruptState));
    }
}

#[test]
fn nse_flow_pair_sign_and_ignore() {
    let (state, user) = setup(Trust::Full);
    let (client, state) = paired(state, &user, 0x33);

    let ev = client.request("s1", "sign_event", &sign_event_params(1, 1024), NOW);
    let r = handle_request(&ev, &state, &SK, NOW, &entropy(2)).unwrap();
    let reply = r.reply.unwrap();
    assert_eq!(reply.relays, vec![RELAY.to_owned()]);
    let response = client.read(&reply.event_json);
    assert!(
        response.starts_with(r#"{"id":"s1","result":"{"#),
        "{response}"
    );
    let act = r.activity.unwrap();
    assert!(matches!(act.verdict, Verdict::Allowed));
    assert_eq!(
        (act.method.as_str(), act.kind, act.client.as_str()),
        ("sign_event", Some(1), client.pubkey_hex().as_str())
    );
    assert!(r.held.is_none() && r.ignored.is_none());

    // The same event again: a duplicate, ignored, nothing to send.
    let again = handle_request(&ev, &r.state, &SK, NOW, &entropy(3)).unwrap();
    assert!(again.reply.is_none());
    assert_eq!(again.ignored.as_deref(), Some("duplicate"));
    // Someone else's key: the request is not answerable.
    let wrong = handle_request(
        &client.request("s2", "ping", "[]", NOW),
        &r.state,
        &[0x44; 32],
        NOW,
        &entropy(4),
    )
    .unwrap();
    assert_eq!(wrong.ignored.as_deref(), Some("key unavailable"));

    // Bad inputs.
    assert!(matches!(
        handle_request(&ev, &state, &SK, NOW, &[0; 95]),
        Err(FfiError::InvalidInput(_))
    ));
    assert_eq!(
        handle_request(&ev, &state, &[0; 32], NOW, &entropy(1)).err(),
        Some(FfiError::InvalidKey)
    );
    let huge = client.request("big", "sign_event", &sign_event_params(1, 400 * 1024), NOW);
    assert_eq!(
        handle_request(&huge, &state, &SK, NOW, &entropy(5)).err(),
        Some(FfiError::LimitReached("request event".into()))
    );
    assert_eq!(
        handle_request(b"not json", &state, &SK, NOW, &entropy(5))
            .unwrap()
            .ignored
            .as_deref(),
        Some("malformed event")
    );
}

#[test]
fn plan_fetch_embedded_proxy_relay() {
    let (state, user) = setup(Trust::Full);
    let client = Client::new(0x33, &user);
    let ev = client.request("p", "ping", "[]", NOW);
    let ev_str = String::from_utf8(ev.clone()).unwrap();
    let id = signer_core::event::Event::parse(&ev).unwrap().id;
    let id = String::from_utf8(signer_core::hex::encode_array::<32, 64>(&id).to_vec()).unwrap();
    let base = format!(r#""relay_url":"{RELAY}","event_id":"{id}","signer_pubkey":"{user}""#);

    let embedded = format!(r#"{{"aps":{{"mutable-content":1}},{base},"event":{ev_str}}}"#);
    let p = plan_fetch(
        &embedded,
        &state,
        "https://push.example",
        &SK,
        NOW,
        &[1; 32],
    )
    .unwrap();
    assert!(matches!(p.source, EventSource::Embedded));
    assert_eq!(p.event_json.as_deref(), Some(ev_str.as_str()));
    let as_string = format!(r#"{{{base},"event":{}}}"#, serde_json_string(&ev_str));
    let p = plan_fetch(&as_string, &state, "", &SK, NOW, &[]).unwrap();
    assert_eq!(p.event_json.as_deref(), Some(ev_str.as_str()));

    let bare = format!("{{{base}}}");
    let p = plan_fetch(&bare, &state, "https://push.example/", &SK, NOW, &[1; 32]).unwrap();
    assert!(matches!(p.source, EventSource::Proxy));
    let url = format!("https://push.example/event/{id}");
    assert_eq!(p.proxy_url.as_deref(), Some(url.as_str()));
    let mut scratch = vec![0u8; 4096];
    signer_core::nip98::verify_header(
        p.proxy_auth.unwrap().as_bytes(),
        &url,
        "GET",
        None,
        NOW,
        &mut scratch,
    )
    .unwrap();
    assert_eq!(p.relay_url, RELAY);
    assert!(
        p.relay_req.starts_with(r#"["REQ","clave-"#) && p.relay_req.contains(&id),
        "{}",
        p.relay_req
    );

    let p = plan_fetch(&bare, &state, "", &[], NOW, &[]).unwrap();
    assert!(matches!(p.source, EventSource::Relay));
    assert!(p.proxy_url.is_none() && p.event_json.is_none());
    assert!(p.relay_close.starts_with(r#"["CLOSE","clave-"#));

    // Errors: not our signer, a wrong key for the proxy header, malformed payloads.
    let stranger = public_key_hex(&[0x55; 32]).unwrap();
    let other = bare.replace(&user, &stranger);
    assert_eq!(
        plan_fetch(&other, &state, "", &[], NOW, &[]).err(),
        Some(FfiError::NotFound("account".into()))
    );
    assert_eq!(
        plan_fetch(&bare, &state, "https://p", &[0x55; 32], NOW, &[1; 32]).err(),
        Some(FfiError::InvalidKey)
    );
    for bad in [
        "",
        "[]",
        r#"{"event_id":"00"}"#,
        &bare.replace(RELAY, "https://x"),
    ] {
        assert!(
            matches!(
                plan_fetch(bad, &state, "", &[], NOW, &[]),
                Err(FfiError::InvalidInput(_))
            ),
            "{bad}"
        );
    }
}

/// A JSON string literal of `s` (quotes and backslashes escaped).
fn serde_json_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
fn held_request_approve_deny_expire() {
    let (state, user) = setup(Trust::Medium);
    let (client, state) = paired(state, &user, 0x33);
    // Kind 0 is protected: Medium asks.
    let ev = client.request("h1", "sign_event", &sign_event_params(0, 300), NOW);
    let r = handle_request(&ev, &state, &SK, NOW, &entropy(2)).unwrap();
    assert!(r.reply.is_none());
    let held = r.held.unwrap();
    assert_eq!(held.request_json, ev);
    assert_eq!(
        (held.info.method.as_str(), held.info.kind),
        ("sign_event", Some(0))
    );
    assert!(matches!(r.activity.unwrap().verdict, Verdict::Asked));
    let state = r.state;
    let pending = list_pending(&state).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending.get(0).unwrap().id, held.info.id);
    assert_eq!(pending.next_expiry(), Some(held.info.expires_at));

    // Approve with the kept bytes.
    let a = approve_pending(
        &held.info.id,
        &held.request_json,
        &state,
        &SK,
        NOW + 5,
        &entropy(3),
    )
    .unwrap();
    assert!(
        client
            .read(&a.reply.unwrap().event_json)
            .starts_with(r#"{"id":"h1","result":"{"#)
    );
    assert!(matches!(a.activity.unwrap().verdict, Verdict::Approved));
    assert_eq!(list_pending(&a.state).unwrap().len(), 0);
    // Unknown / already decided ids.
    assert_eq!(
        approve_pending(
            &held.info.id,
            &held.request_json,
            &a.state,
            &SK,
            NOW + 6,
            &entropy(4)
        )
        .err(),
        Some(FfiError::NotFound("pending request".into()))
    );
    assert_eq!(
        deny_pending(&"ab".repeat(32), &a.state, &SK, NOW, &entropy(4)).err(),
        Some(FfiError::NotFound("pending request".into()))
    );
    assert!(matches!(
        deny_pending("xyz", &a.state, &SK, NOW, &entropy(4)),
        Err(FfiError::InvalidInput(_))
    ));

    // Deny.
    let ev2 = client.request("h2", "sign_event", &sign_event_params(0, 300), NOW);
    let r2 = handle_request(&ev2, &a.state, &SK, NOW, &entropy(5)).unwrap();
    let id2 = r2.held.unwrap().info.id;
    let d = deny_pending(&id2, &r2.state, &SK, NOW + 1, &entropy(6)).unwrap();
    assert!(
        client
            .read(&d.reply.unwrap().event_json)
            .contains("user rejected")
    );

    // Expire.
    let ev3 = client.request("h3", "sign_event", &sign_event_params(0, 300), NOW);
    let r3 = handle_request(&ev3, &d.state, &SK, NOW, &entropy(7)).unwrap();
    let early = expire_pending(&r3.state, &SK, NOW + 1, &entropy(8)).unwrap();
    assert!(early.reply.is_none());
    let due = r3.held.unwrap().info.expires_at;
    let e = expire_pending(&r3.state, &SK, due, &entropy(9)).unwrap();
    assert!(matches!(e.activity.unwrap().verdict, Verdict::Expired));
    assert!(
        client
            .read(&e.reply.unwrap().event_json)
            .contains(r#""id":"h3""#)
    );
    assert!(
        expire_pending(&e.state, &SK, due, &entropy(10))
            .unwrap()
            .reply
            .is_none()
    );
}

#[test]
fn clients_list_and_edit() {
    let (state, user) = setup(Trust::Full);
    let (client, state) = paired(state, &user, 0x33);
    let c = client.pubkey_hex();
    let list = list_clients(&state, &user).unwrap();
    assert_eq!(list.len(), 1);
    let info = list.get(0).unwrap();
    assert_eq!(
        (info.pubkey.as_str(), info.account.as_str()),
        (c.as_str(), user.as_str())
    );
    assert!(matches!(info.trust, Trust::Full));

    let state = set_client_trust(&state, &user, &c, Trust::Low)
        .unwrap()
        .bytes;
    let state = set_kind_override(&state, &user, &c, 1, Some(Decision::Allow))
        .unwrap()
        .bytes;
    let state = set_kind_override(&state, &user, &c, 4, Some(Decision::Deny))
        .unwrap()
        .bytes;
    let state = set_method_override(&state, &user, &c, "nip44_decrypt", Some(Decision::Ask))
        .unwrap()
        .bytes;
    let state = rename_client(&state, &user, &c, "Amethyst").unwrap().bytes;
    let info = list_clients(&state, &user).unwrap().get(0).unwrap();
    assert!(matches!(info.trust, Trust::Low));
    assert_eq!(info.kind_overrides, vec![1, 4]);
    assert!(matches!(
        info.kind_decisions[..],
        [Decision::Allow, Decision::Deny]
    ));
    assert_eq!(info.method_overrides, vec!["nip44_decrypt".to_owned()]);
    assert!(matches!(info.method_decisions[..], [Decision::Ask]));
    assert_eq!(info.name, "Amethyst");
    let state = set_kind_override(&state, &user, &c, 4, None).unwrap().bytes;
    assert_eq!(
        list_clients(&state, &user)
            .unwrap()
            .get(0)
            .unwrap()
            .kind_overrides,
        vec![1]
    );

    // The overrides take effect: kind 1 allowed at Low trust, kind 4 would have asked.
    let ev = client.request("k1", "sign_event", &sign_event_params(1, 300), NOW);
    assert!(
        handle_request(&ev, &state, &SK, NOW, &entropy(2))
            .unwrap()
            .reply
            .is_some()
    );

    assert!(matches!(
        set_method_override(&state, &user, &c, "sign_event", Some(Decision::Allow)),
        Err(FfiError::InvalidInput(_))
    ));
    assert!(matches!(
        rename_client(&state, &user, &c, &"n".repeat(500)),
        Err(FfiError::LimitReached(_))
    ));
    let state = unpair_client(&state, &user, &c).unwrap().bytes;
    assert_eq!(list_clients(&state, &user).unwrap().len(), 0);
    assert_eq!(
        unpair_client(&state, &user, &c).err(),
        Some(FfiError::NotFound("client".into()))
    );
    assert_eq!(
        set_client_trust(&state, &user, &c, Trust::Full).err(),
        Some(FfiError::NotFound("client".into()))
    );
    let nobody = public_key_hex(&[0x66; 32]).unwrap();
    assert_eq!(
        list_clients(&state, &nobody).err(),
        Some(FfiError::NotFound("account".into()))
    );
}

#[test]
fn nostrconnect_parse_and_approve() {
    let (state, user) = setup(Trust::Medium);
    let client = Client::new(0x77, &user);
    let c = client.pubkey_hex();
    let uri = format!(
        "nostrconnect://{c}?relay=wss%3A%2F%2Fclient.example&secret=s3cret&perms=sign_event%3A1%2Cnip44_encrypt&name=My%20App&url=https%3A%2F%2Fapp.example"
    );
    let req = parse_nostrconnect(&uri).unwrap();
    assert_eq!(req.client_pubkey, c);
    assert_eq!(req.name.as_deref(), Some("My App"));
    assert_eq!(req.url.as_deref(), Some("https://app.example"));
    assert_eq!(req.relays, vec!["wss://client.example".to_owned()]);
    assert_eq!(
        req.perms,
        vec!["nip44_encrypt".to_owned(), "sign_event:1".to_owned()]
    );

    let r = approve_nostrconnect(&uri, &user, Trust::Low, &state, &SK, NOW, &entropy(1)).unwrap();
    let reply = r.reply.unwrap();
    assert_eq!(reply.relays[0], "wss://client.example");
    assert!(
        client
            .read(&reply.event_json)
            .contains(r#""result":"s3cret""#)
    );
    let info = list_clients(&r.state, &user).unwrap().get(0).unwrap();
    assert_eq!(info.name, "My App");
    assert!(matches!(info.trust, Trust::Low));

    assert!(matches!(
        parse_nostrconnect("nostrconnect://zz"),
        Err(FfiError::InvalidInput(_)) | Err(FfiError::InvalidKey)
    ));
    let nobody = public_key_hex(&[0x66; 32]).unwrap();
    assert_eq!(
        approve_nostrconnect(&uri, &nobody, Trust::Low, &state, &SK, NOW, &entropy(1)).err(),
        Some(FfiError::NotFound("account".into()))
    );
}
