public func generate_secret_key(_ entropy: UnsafeBufferPointer<UInt8>) throws -> SecretBytes {
    try { let val = __swift_bridge__$generate_secret_key(entropy.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultSecretBytesAndFfiError$ResultOk: return SecretBytes(ptr: val.payload.ok) case __swift_bridge__$ResultSecretBytesAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
}
public func import_secret_key<GenericToRustStr: ToRustStr>(_ text: GenericToRustStr) throws -> SecretBytes {
    return text.toRustStr({ textAsRustStr in
        try { let val = __swift_bridge__$import_secret_key(textAsRustStr); switch val.tag { case __swift_bridge__$ResultSecretBytesAndFfiError$ResultOk: return SecretBytes(ptr: val.payload.ok) case __swift_bridge__$ResultSecretBytesAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
}
public func export_nsec(_ secret_key: UnsafeBufferPointer<UInt8>) throws -> SecretBytes {
    try { let val = __swift_bridge__$export_nsec(secret_key.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultSecretBytesAndFfiError$ResultOk: return SecretBytes(ptr: val.payload.ok) case __swift_bridge__$ResultSecretBytesAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
}
public func export_secret_hex(_ secret_key: UnsafeBufferPointer<UInt8>) throws -> SecretBytes {
    try { let val = __swift_bridge__$export_secret_hex(secret_key.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultSecretBytesAndFfiError$ResultOk: return SecretBytes(ptr: val.payload.ok) case __swift_bridge__$ResultSecretBytesAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
}
public func public_key_hex(_ secret_key: UnsafeBufferPointer<UInt8>) throws -> RustString {
    try { let val = __swift_bridge__$public_key_hex(secret_key.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultStringAndFfiError$ResultOk: return RustString(ptr: val.payload.ok) case __swift_bridge__$ResultStringAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
}
public func public_key_npub(_ secret_key: UnsafeBufferPointer<UInt8>) throws -> RustString {
    try { let val = __swift_bridge__$public_key_npub(secret_key.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultStringAndFfiError$ResultOk: return RustString(ptr: val.payload.ok) case __swift_bridge__$ResultStringAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
}
public func npub_from_hex<GenericToRustStr: ToRustStr>(_ pubkey: GenericToRustStr) throws -> RustString {
    return pubkey.toRustStr({ pubkeyAsRustStr in
        try { let val = __swift_bridge__$npub_from_hex(pubkeyAsRustStr); switch val.tag { case __swift_bridge__$ResultStringAndFfiError$ResultOk: return RustString(ptr: val.payload.ok) case __swift_bridge__$ResultStringAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
}
public func nip98_header<GenericToRustStr: ToRustStr>(_ secret_key: UnsafeBufferPointer<UInt8>, _ url: GenericToRustStr, _ method: GenericToRustStr, _ body: UnsafeBufferPointer<UInt8>, _ now: UInt64, _ aux: UnsafeBufferPointer<UInt8>) throws -> RustString {
    return method.toRustStr({ methodAsRustStr in
        return url.toRustStr({ urlAsRustStr in
        try { let val = __swift_bridge__$nip98_header(secret_key.toFfiSlice(), urlAsRustStr, methodAsRustStr, body.toFfiSlice(), now, aux.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultStringAndFfiError$ResultOk: return RustString(ptr: val.payload.ok) case __swift_bridge__$ResultStringAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
    })
}
public func new_state() -> RustVec<UInt8> {
    RustVec(ptr: __swift_bridge__$new_state())
}
public func add_account<GenericIntoRustString: IntoRustString, GenericToRustStr: ToRustStr>(_ state: UnsafeBufferPointer<UInt8>, _ pubkey: GenericToRustStr, _ relays: RustVec<GenericIntoRustString>, _ default_trust: Trust, _ entropy: UnsafeBufferPointer<UInt8>) throws -> StateBlob {
    return pubkey.toRustStr({ pubkeyAsRustStr in
        try { let val = __swift_bridge__$add_account(state.toFfiSlice(), pubkeyAsRustStr, { let val = relays; val.isOwned = false; return val.ptr }(), default_trust.intoFfiRepr(), entropy.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultStateBlobAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultStateBlobAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
}
public func remove_account<GenericToRustStr: ToRustStr>(_ state: UnsafeBufferPointer<UInt8>, _ account: GenericToRustStr) throws -> StateBlob {
    return account.toRustStr({ accountAsRustStr in
        try { let val = __swift_bridge__$remove_account(state.toFfiSlice(), accountAsRustStr); switch val.tag { case __swift_bridge__$ResultStateBlobAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultStateBlobAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
}
public func list_accounts(_ state: UnsafeBufferPointer<UInt8>) throws -> AccountList {
    try { let val = __swift_bridge__$list_accounts(state.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultAccountListAndFfiError$ResultOk: return AccountList(ptr: val.payload.ok) case __swift_bridge__$ResultAccountListAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
}
public func bunker_uri<GenericToRustStr: ToRustStr>(_ state: UnsafeBufferPointer<UInt8>, _ account: GenericToRustStr) throws -> RustString {
    return account.toRustStr({ accountAsRustStr in
        try { let val = __swift_bridge__$bunker_uri(state.toFfiSlice(), accountAsRustStr); switch val.tag { case __swift_bridge__$ResultStringAndFfiError$ResultOk: return RustString(ptr: val.payload.ok) case __swift_bridge__$ResultStringAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
}
public func rotate_bunker_secret<GenericToRustStr: ToRustStr>(_ state: UnsafeBufferPointer<UInt8>, _ account: GenericToRustStr, _ entropy: UnsafeBufferPointer<UInt8>) throws -> StateBlob {
    return account.toRustStr({ accountAsRustStr in
        try { let val = __swift_bridge__$rotate_bunker_secret(state.toFfiSlice(), accountAsRustStr, entropy.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultStateBlobAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultStateBlobAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
}
public func set_relays<GenericIntoRustString: IntoRustString, GenericToRustStr: ToRustStr>(_ state: UnsafeBufferPointer<UInt8>, _ account: GenericToRustStr, _ relays: RustVec<GenericIntoRustString>) throws -> StateBlob {
    return account.toRustStr({ accountAsRustStr in
        try { let val = __swift_bridge__$set_relays(state.toFfiSlice(), accountAsRustStr, { let val = relays; val.isOwned = false; return val.ptr }()); switch val.tag { case __swift_bridge__$ResultStateBlobAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultStateBlobAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
}
public func set_protected_kinds<GenericToRustStr: ToRustStr>(_ state: UnsafeBufferPointer<UInt8>, _ account: GenericToRustStr, _ kinds: RustVec<UInt16>) throws -> StateBlob {
    return account.toRustStr({ accountAsRustStr in
        try { let val = __swift_bridge__$set_protected_kinds(state.toFfiSlice(), accountAsRustStr, { let val = kinds; val.isOwned = false; return val.ptr }()); switch val.tag { case __swift_bridge__$ResultStateBlobAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultStateBlobAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
}
public func set_default_trust<GenericToRustStr: ToRustStr>(_ state: UnsafeBufferPointer<UInt8>, _ account: GenericToRustStr, _ trust: Trust) throws -> StateBlob {
    return account.toRustStr({ accountAsRustStr in
        try { let val = __swift_bridge__$set_default_trust(state.toFfiSlice(), accountAsRustStr, trust.intoFfiRepr()); switch val.tag { case __swift_bridge__$ResultStateBlobAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultStateBlobAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
}
public func list_clients<GenericToRustStr: ToRustStr>(_ state: UnsafeBufferPointer<UInt8>, _ account: GenericToRustStr) throws -> ClientList {
    return account.toRustStr({ accountAsRustStr in
        try { let val = __swift_bridge__$list_clients(state.toFfiSlice(), accountAsRustStr); switch val.tag { case __swift_bridge__$ResultClientListAndFfiError$ResultOk: return ClientList(ptr: val.payload.ok) case __swift_bridge__$ResultClientListAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
}
public func set_client_trust<GenericToRustStr: ToRustStr>(_ state: UnsafeBufferPointer<UInt8>, _ account: GenericToRustStr, _ client: GenericToRustStr, _ trust: Trust) throws -> StateBlob {
    return client.toRustStr({ clientAsRustStr in
        return account.toRustStr({ accountAsRustStr in
        try { let val = __swift_bridge__$set_client_trust(state.toFfiSlice(), accountAsRustStr, clientAsRustStr, trust.intoFfiRepr()); switch val.tag { case __swift_bridge__$ResultStateBlobAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultStateBlobAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
    })
}
public func set_kind_override<GenericToRustStr: ToRustStr>(_ state: UnsafeBufferPointer<UInt8>, _ account: GenericToRustStr, _ client: GenericToRustStr, _ kind: UInt16, _ decision: Optional<Decision>) throws -> StateBlob {
    return client.toRustStr({ clientAsRustStr in
        return account.toRustStr({ accountAsRustStr in
        try { let val = __swift_bridge__$set_kind_override(state.toFfiSlice(), accountAsRustStr, clientAsRustStr, kind, __swift_bridge__$Option$Decision.fromSwiftRepr(decision)); switch val.tag { case __swift_bridge__$ResultStateBlobAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultStateBlobAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
    })
}
public func set_method_override<GenericToRustStr: ToRustStr>(_ state: UnsafeBufferPointer<UInt8>, _ account: GenericToRustStr, _ client: GenericToRustStr, _ method: GenericToRustStr, _ decision: Optional<Decision>) throws -> StateBlob {
    return method.toRustStr({ methodAsRustStr in
        return client.toRustStr({ clientAsRustStr in
        return account.toRustStr({ accountAsRustStr in
        try { let val = __swift_bridge__$set_method_override(state.toFfiSlice(), accountAsRustStr, clientAsRustStr, methodAsRustStr, __swift_bridge__$Option$Decision.fromSwiftRepr(decision)); switch val.tag { case __swift_bridge__$ResultStateBlobAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultStateBlobAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
    })
    })
}
public func rename_client<GenericToRustStr: ToRustStr>(_ state: UnsafeBufferPointer<UInt8>, _ account: GenericToRustStr, _ client: GenericToRustStr, _ name: GenericToRustStr) throws -> StateBlob {
    return name.toRustStr({ nameAsRustStr in
        return client.toRustStr({ clientAsRustStr in
        return account.toRustStr({ accountAsRustStr in
        try { let val = __swift_bridge__$rename_client(state.toFfiSlice(), accountAsRustStr, clientAsRustStr, nameAsRustStr); switch val.tag { case __swift_bridge__$ResultStateBlobAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultStateBlobAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
    })
    })
}
public func unpair_client<GenericToRustStr: ToRustStr>(_ state: UnsafeBufferPointer<UInt8>, _ account: GenericToRustStr, _ client: GenericToRustStr) throws -> StateBlob {
    return client.toRustStr({ clientAsRustStr in
        return account.toRustStr({ accountAsRustStr in
        try { let val = __swift_bridge__$unpair_client(state.toFfiSlice(), accountAsRustStr, clientAsRustStr); switch val.tag { case __swift_bridge__$ResultStateBlobAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultStateBlobAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
    })
}
public func list_pending(_ state: UnsafeBufferPointer<UInt8>) throws -> PendingList {
    try { let val = __swift_bridge__$list_pending(state.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultPendingListAndFfiError$ResultOk: return PendingList(ptr: val.payload.ok) case __swift_bridge__$ResultPendingListAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
}
public func entropy_len() -> UInt {
    __swift_bridge__$entropy_len()
}
public func plan_fetch<GenericToRustStr: ToRustStr>(_ payload_json: GenericToRustStr, _ state: UnsafeBufferPointer<UInt8>, _ proxy_base_url: GenericToRustStr, _ secret_key: UnsafeBufferPointer<UInt8>, _ now: UInt64, _ aux: UnsafeBufferPointer<UInt8>) throws -> FetchPlan {
    return proxy_base_url.toRustStr({ proxy_base_urlAsRustStr in
        return payload_json.toRustStr({ payload_jsonAsRustStr in
        try { let val = __swift_bridge__$plan_fetch(payload_jsonAsRustStr, state.toFfiSlice(), proxy_base_urlAsRustStr, secret_key.toFfiSlice(), now, aux.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultFetchPlanAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultFetchPlanAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
    })
}
public func handle_request(_ event_json: UnsafeBufferPointer<UInt8>, _ state: UnsafeBufferPointer<UInt8>, _ secret_key: UnsafeBufferPointer<UInt8>, _ now: UInt64, _ entropy: UnsafeBufferPointer<UInt8>) throws -> HandleResult {
    try { let val = __swift_bridge__$handle_request(event_json.toFfiSlice(), state.toFfiSlice(), secret_key.toFfiSlice(), now, entropy.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultHandleResultAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultHandleResultAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
}
public func approve_pending<GenericToRustStr: ToRustStr>(_ pending_id: GenericToRustStr, _ request_json: UnsafeBufferPointer<UInt8>, _ state: UnsafeBufferPointer<UInt8>, _ secret_key: UnsafeBufferPointer<UInt8>, _ now: UInt64, _ entropy: UnsafeBufferPointer<UInt8>) throws -> HandleResult {
    return pending_id.toRustStr({ pending_idAsRustStr in
        try { let val = __swift_bridge__$approve_pending(pending_idAsRustStr, request_json.toFfiSlice(), state.toFfiSlice(), secret_key.toFfiSlice(), now, entropy.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultHandleResultAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultHandleResultAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
}
public func deny_pending<GenericToRustStr: ToRustStr>(_ pending_id: GenericToRustStr, _ state: UnsafeBufferPointer<UInt8>, _ secret_key: UnsafeBufferPointer<UInt8>, _ now: UInt64, _ entropy: UnsafeBufferPointer<UInt8>) throws -> HandleResult {
    return pending_id.toRustStr({ pending_idAsRustStr in
        try { let val = __swift_bridge__$deny_pending(pending_idAsRustStr, state.toFfiSlice(), secret_key.toFfiSlice(), now, entropy.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultHandleResultAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultHandleResultAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
}
public func expire_pending(_ state: UnsafeBufferPointer<UInt8>, _ secret_key: UnsafeBufferPointer<UInt8>, _ now: UInt64, _ entropy: UnsafeBufferPointer<UInt8>) throws -> HandleResult {
    try { let val = __swift_bridge__$expire_pending(state.toFfiSlice(), secret_key.toFfiSlice(), now, entropy.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultHandleResultAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultHandleResultAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
}
public func parse_nostrconnect<GenericToRustStr: ToRustStr>(_ uri: GenericToRustStr) throws -> ConnectRequest {
    return uri.toRustStr({ uriAsRustStr in
        try { let val = __swift_bridge__$parse_nostrconnect(uriAsRustStr); switch val.tag { case __swift_bridge__$ResultConnectRequestAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultConnectRequestAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
}
public func approve_nostrconnect<GenericToRustStr: ToRustStr>(_ uri: GenericToRustStr, _ account: GenericToRustStr, _ trust: Trust, _ state: UnsafeBufferPointer<UInt8>, _ secret_key: UnsafeBufferPointer<UInt8>, _ now: UInt64, _ entropy: UnsafeBufferPointer<UInt8>) throws -> HandleResult {
    return account.toRustStr({ accountAsRustStr in
        return uri.toRustStr({ uriAsRustStr in
        try { let val = __swift_bridge__$approve_nostrconnect(uriAsRustStr, accountAsRustStr, trust.intoFfiRepr(), state.toFfiSlice(), secret_key.toFfiSlice(), now, entropy.toFfiSlice()); switch val.tag { case __swift_bridge__$ResultHandleResultAndFfiError$ResultOk: return val.payload.ok.intoSwiftRepr() case __swift_bridge__$ResultHandleResultAndFfiError$ResultErr: throw val.payload.err.intoSwiftRepr() default: fatalError() } }()
    })
    })
}
public enum FfiError {
    case InvalidKey
    case NotFound(RustString)
    case LimitReached(RustString)
    case CorruptState
    case InvalidInput(RustString)
}
extension FfiError {
    func intoFfiRepr() -> __swift_bridge__$FfiError {
        switch self {
            case FfiError.InvalidKey:
                return {var val = __swift_bridge__$FfiError(); val.tag = __swift_bridge__$FfiError$InvalidKey; return val }()
            case FfiError.NotFound(let _0):
                return __swift_bridge__$FfiError(tag: __swift_bridge__$FfiError$NotFound, payload: __swift_bridge__$FfiErrorFields(NotFound: __swift_bridge__$FfiError$FieldOfNotFound(_0: { let rustString = _0.intoRustString(); rustString.isOwned = false; return rustString.ptr }())))
            case FfiError.LimitReached(let _0):
                return __swift_bridge__$FfiError(tag: __swift_bridge__$FfiError$LimitReached, payload: __swift_bridge__$FfiErrorFields(LimitReached: __swift_bridge__$FfiError$FieldOfLimitReached(_0: { let rustString = _0.intoRustString(); rustString.isOwned = false; return rustString.ptr }())))
            case FfiError.CorruptState:
                return {var val = __swift_bridge__$FfiError(); val.tag = __swift_bridge__$FfiError$CorruptState; return val }()
            case FfiError.InvalidInput(let _0):
                return __swift_bridge__$FfiError(tag: __swift_bridge__$FfiError$InvalidInput, payload: __swift_bridge__$FfiErrorFields(InvalidInput: __swift_bridge__$FfiError$FieldOfInvalidInput(_0: { let rustString = _0.intoRustString(); rustString.isOwned = false; return rustString.ptr }())))
        }
    }
}
extension __swift_bridge__$FfiError {
    func intoSwiftRepr() -> FfiError {
        switch self.tag {
            case __swift_bridge__$FfiError$InvalidKey:
                return FfiError.InvalidKey
            case __swift_bridge__$FfiError$NotFound:
                return FfiError.NotFound(RustString(ptr: self.payload.NotFound._0))
            case __swift_bridge__$FfiError$LimitReached:
                return FfiError.LimitReached(RustString(ptr: self.payload.LimitReached._0))
            case __swift_bridge__$FfiError$CorruptState:
                return FfiError.CorruptState
            case __swift_bridge__$FfiError$InvalidInput:
                return FfiError.InvalidInput(RustString(ptr: self.payload.InvalidInput._0))
            default:
                fatalError("Unreachable")
        }
    }
}
extension __swift_bridge__$Option$FfiError {
    @inline(__always)
    func intoSwiftRepr() -> Optional<FfiError> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }
    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<FfiError>) -> __swift_bridge__$Option$FfiError {
        if let v = val {
            return __swift_bridge__$Option$FfiError(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$FfiError(is_some: false, val: __swift_bridge__$FfiError())
        }
    }
}
public enum Trust {
    case Full
    case Medium
    case Low
}
extension Trust {
    func intoFfiRepr() -> __swift_bridge__$Trust {
        switch self {
            case Trust.Full:
                return __swift_bridge__$Trust(tag: __swift_bridge__$Trust$Full)
            case Trust.Medium:
                return __swift_bridge__$Trust(tag: __swift_bridge__$Trust$Medium)
            case Trust.Low:
                return __swift_bridge__$Trust(tag: __swift_bridge__$Trust$Low)
        }
    }
}
extension __swift_bridge__$Trust {
    func intoSwiftRepr() -> Trust {
        switch self.tag {
            case __swift_bridge__$Trust$Full:
                return Trust.Full
            case __swift_bridge__$Trust$Medium:
                return Trust.Medium
            case __swift_bridge__$Trust$Low:
                return Trust.Low
            default:
                fatalError("Unreachable")
        }
    }
}
extension __swift_bridge__$Option$Trust {
    @inline(__always)
    func intoSwiftRepr() -> Optional<Trust> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }
    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<Trust>) -> __swift_bridge__$Option$Trust {
        if let v = val {
            return __swift_bridge__$Option$Trust(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$Trust(is_some: false, val: __swift_bridge__$Trust())
        }
    }
}
extension Trust: Vectorizable {
    public static func vecOfSelfNew() -> UnsafeMutableRawPointer {
        __swift_bridge__$Vec_Trust$new()
    }

    public static func vecOfSelfFree(vecPtr: UnsafeMutableRawPointer) {
        __swift_bridge__$Vec_Trust$drop(vecPtr)
    }

    public static func vecOfSelfPush(vecPtr: UnsafeMutableRawPointer, value: Self) {
        __swift_bridge__$Vec_Trust$push(vecPtr, value.intoFfiRepr())
    }

    public static func vecOfSelfPop(vecPtr: UnsafeMutableRawPointer) -> Optional<Self> {
        let maybeEnum = __swift_bridge__$Vec_Trust$pop(vecPtr)
        return maybeEnum.intoSwiftRepr()
    }

    public static func vecOfSelfGet(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<Self> {
        let maybeEnum = __swift_bridge__$Vec_Trust$get(vecPtr, index)
        return maybeEnum.intoSwiftRepr()
    }

    public static func vecOfSelfGetMut(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<Self> {
        let maybeEnum = __swift_bridge__$Vec_Trust$get_mut(vecPtr, index)
        return maybeEnum.intoSwiftRepr()
    }

    public static func vecOfSelfAsPtr(vecPtr: UnsafeMutableRawPointer) -> UnsafePointer<Self> {
        UnsafePointer<Self>(OpaquePointer(__swift_bridge__$Vec_Trust$as_ptr(vecPtr)))
    }

    public static func vecOfSelfLen(vecPtr: UnsafeMutableRawPointer) -> UInt {
        __swift_bridge__$Vec_Trust$len(vecPtr)
    }
}
public enum Decision {
    case Allow
    case Ask
    case Deny
}
extension Decision {
    func intoFfiRepr() -> __swift_bridge__$Decision {
        switch self {
            case Decision.Allow:
                return __swift_bridge__$Decision(tag: __swift_bridge__$Decision$Allow)
            case Decision.Ask:
                return __swift_bridge__$Decision(tag: __swift_bridge__$Decision$Ask)
            case Decision.Deny:
                return __swift_bridge__$Decision(tag: __swift_bridge__$Decision$Deny)
        }
    }
}
extension __swift_bridge__$Decision {
    func intoSwiftRepr() -> Decision {
        switch self.tag {
            case __swift_bridge__$Decision$Allow:
                return Decision.Allow
            case __swift_bridge__$Decision$Ask:
                return Decision.Ask
            case __swift_bridge__$Decision$Deny:
                return Decision.Deny
            default:
                fatalError("Unreachable")
        }
    }
}
extension __swift_bridge__$Option$Decision {
    @inline(__always)
    func intoSwiftRepr() -> Optional<Decision> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }
    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<Decision>) -> __swift_bridge__$Option$Decision {
        if let v = val {
            return __swift_bridge__$Option$Decision(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$Decision(is_some: false, val: __swift_bridge__$Decision())
        }
    }
}
extension Decision: Vectorizable {
    public static func vecOfSelfNew() -> UnsafeMutableRawPointer {
        __swift_bridge__$Vec_Decision$new()
    }

    public static func vecOfSelfFree(vecPtr: UnsafeMutableRawPointer) {
        __swift_bridge__$Vec_Decision$drop(vecPtr)
    }

    public static func vecOfSelfPush(vecPtr: UnsafeMutableRawPointer, value: Self) {
        __swift_bridge__$Vec_Decision$push(vecPtr, value.intoFfiRepr())
    }

    public static func vecOfSelfPop(vecPtr: UnsafeMutableRawPointer) -> Optional<Self> {
        let maybeEnum = __swift_bridge__$Vec_Decision$pop(vecPtr)
        return maybeEnum.intoSwiftRepr()
    }

    public static func vecOfSelfGet(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<Self> {
        let maybeEnum = __swift_bridge__$Vec_Decision$get(vecPtr, index)
        return maybeEnum.intoSwiftRepr()
    }

    public static func vecOfSelfGetMut(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<Self> {
        let maybeEnum = __swift_bridge__$Vec_Decision$get_mut(vecPtr, index)
        return maybeEnum.intoSwiftRepr()
    }

    public static func vecOfSelfAsPtr(vecPtr: UnsafeMutableRawPointer) -> UnsafePointer<Self> {
        UnsafePointer<Self>(OpaquePointer(__swift_bridge__$Vec_Decision$as_ptr(vecPtr)))
    }

    public static func vecOfSelfLen(vecPtr: UnsafeMutableRawPointer) -> UInt {
        __swift_bridge__$Vec_Decision$len(vecPtr)
    }
}
public enum Verdict {
    case Allowed
    case Denied
    case Asked
    case Approved
    case Rejected
    case Expired
    case Paired
    case NotPaired
    case BadSecret
    case Invalid
    case LimitReached
}
extension Verdict {
    func intoFfiRepr() -> __swift_bridge__$Verdict {
        switch self {
            case Verdict.Allowed:
                return __swift_bridge__$Verdict(tag: __swift_bridge__$Verdict$Allowed)
            case Verdict.Denied:
                return __swift_bridge__$Verdict(tag: __swift_bridge__$Verdict$Denied)
            case Verdict.Asked:
                return __swift_bridge__$Verdict(tag: __swift_bridge__$Verdict$Asked)
            case Verdict.Approved:
                return __swift_bridge__$Verdict(tag: __swift_bridge__$Verdict$Approved)
            case Verdict.Rejected:
                return __swift_bridge__$Verdict(tag: __swift_bridge__$Verdict$Rejected)
            case Verdict.Expired:
                return __swift_bridge__$Verdict(tag: __swift_bridge__$Verdict$Expired)
            case Verdict.Paired:
                return __swift_bridge__$Verdict(tag: __swift_bridge__$Verdict$Paired)
            case Verdict.NotPaired:
                return __swift_bridge__$Verdict(tag: __swift_bridge__$Verdict$NotPaired)
            case Verdict.BadSecret:
                return __swift_bridge__$Verdict(tag: __swift_bridge__$Verdict$BadSecret)
            case Verdict.Invalid:
                return __swift_bridge__$Verdict(tag: __swift_bridge__$Verdict$Invalid)
            case Verdict.LimitReached:
                return __swift_bridge__$Verdict(tag: __swift_bridge__$Verdict$LimitReached)
        }
    }
}
extension __swift_bridge__$Verdict {
    func intoSwiftRepr() -> Verdict {
        switch self.tag {
            case __swift_bridge__$Verdict$Allowed:
                return Verdict.Allowed
            case __swift_bridge__$Verdict$Denied:
                return Verdict.Denied
            case __swift_bridge__$Verdict$Asked:
                return Verdict.Asked
            case __swift_bridge__$Verdict$Approved:
                return Verdict.Approved
            case __swift_bridge__$Verdict$Rejected:
                return Verdict.Rejected
            case __swift_bridge__$Verdict$Expired:
                return Verdict.Expired
            case __swift_bridge__$Verdict$Paired:
                return Verdict.Paired
            case __swift_bridge__$Verdict$NotPaired:
                return Verdict.NotPaired
            case __swift_bridge__$Verdict$BadSecret:
                return Verdict.BadSecret
            case __swift_bridge__$Verdict$Invalid:
                return Verdict.Invalid
            case __swift_bridge__$Verdict$LimitReached:
                return Verdict.LimitReached
            default:
                fatalError("Unreachable")
        }
    }
}
extension __swift_bridge__$Option$Verdict {
    @inline(__always)
    func intoSwiftRepr() -> Optional<Verdict> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }
    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<Verdict>) -> __swift_bridge__$Option$Verdict {
        if let v = val {
            return __swift_bridge__$Option$Verdict(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$Verdict(is_some: false, val: __swift_bridge__$Verdict())
        }
    }
}
extension Verdict: Vectorizable {
    public static func vecOfSelfNew() -> UnsafeMutableRawPointer {
        __swift_bridge__$Vec_Verdict$new()
    }

    public static func vecOfSelfFree(vecPtr: UnsafeMutableRawPointer) {
        __swift_bridge__$Vec_Verdict$drop(vecPtr)
    }

    public static func vecOfSelfPush(vecPtr: UnsafeMutableRawPointer, value: Self) {
        __swift_bridge__$Vec_Verdict$push(vecPtr, value.intoFfiRepr())
    }

    public static func vecOfSelfPop(vecPtr: UnsafeMutableRawPointer) -> Optional<Self> {
        let maybeEnum = __swift_bridge__$Vec_Verdict$pop(vecPtr)
        return maybeEnum.intoSwiftRepr()
    }

    public static func vecOfSelfGet(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<Self> {
        let maybeEnum = __swift_bridge__$Vec_Verdict$get(vecPtr, index)
        return maybeEnum.intoSwiftRepr()
    }

    public static func vecOfSelfGetMut(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<Self> {
        let maybeEnum = __swift_bridge__$Vec_Verdict$get_mut(vecPtr, index)
        return maybeEnum.intoSwiftRepr()
    }

    public static func vecOfSelfAsPtr(vecPtr: UnsafeMutableRawPointer) -> UnsafePointer<Self> {
        UnsafePointer<Self>(OpaquePointer(__swift_bridge__$Vec_Verdict$as_ptr(vecPtr)))
    }

    public static func vecOfSelfLen(vecPtr: UnsafeMutableRawPointer) -> UInt {
        __swift_bridge__$Vec_Verdict$len(vecPtr)
    }
}
public enum EventSource {
    case Embedded
    case Proxy
    case Relay
}
extension EventSource {
    func intoFfiRepr() -> __swift_bridge__$EventSource {
        switch self {
            case EventSource.Embedded:
                return __swift_bridge__$EventSource(tag: __swift_bridge__$EventSource$Embedded)
            case EventSource.Proxy:
                return __swift_bridge__$EventSource(tag: __swift_bridge__$EventSource$Proxy)
            case EventSource.Relay:
                return __swift_bridge__$EventSource(tag: __swift_bridge__$EventSource$Relay)
        }
    }
}
extension __swift_bridge__$EventSource {
    func intoSwiftRepr() -> EventSource {
        switch self.tag {
            case __swift_bridge__$EventSource$Embedded:
                return EventSource.Embedded
            case __swift_bridge__$EventSource$Proxy:
                return EventSource.Proxy
            case __swift_bridge__$EventSource$Relay:
                return EventSource.Relay
            default:
                fatalError("Unreachable")
        }
    }
}
extension __swift_bridge__$Option$EventSource {
    @inline(__always)
    func intoSwiftRepr() -> Optional<EventSource> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }
    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<EventSource>) -> __swift_bridge__$Option$EventSource {
        if let v = val {
            return __swift_bridge__$Option$EventSource(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$EventSource(is_some: false, val: __swift_bridge__$EventSource())
        }
    }
}
extension EventSource: Vectorizable {
    public static func vecOfSelfNew() -> UnsafeMutableRawPointer {
        __swift_bridge__$Vec_EventSource$new()
    }

    public static func vecOfSelfFree(vecPtr: UnsafeMutableRawPointer) {
        __swift_bridge__$Vec_EventSource$drop(vecPtr)
    }

    public static func vecOfSelfPush(vecPtr: UnsafeMutableRawPointer, value: Self) {
        __swift_bridge__$Vec_EventSource$push(vecPtr, value.intoFfiRepr())
    }

    public static func vecOfSelfPop(vecPtr: UnsafeMutableRawPointer) -> Optional<Self> {
        let maybeEnum = __swift_bridge__$Vec_EventSource$pop(vecPtr)
        return maybeEnum.intoSwiftRepr()
    }

    public static func vecOfSelfGet(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<Self> {
        let maybeEnum = __swift_bridge__$Vec_EventSource$get(vecPtr, index)
        return maybeEnum.intoSwiftRepr()
    }

    public static func vecOfSelfGetMut(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<Self> {
        let maybeEnum = __swift_bridge__$Vec_EventSource$get_mut(vecPtr, index)
        return maybeEnum.intoSwiftRepr()
    }

    public static func vecOfSelfAsPtr(vecPtr: UnsafeMutableRawPointer) -> UnsafePointer<Self> {
        UnsafePointer<Self>(OpaquePointer(__swift_bridge__$Vec_EventSource$as_ptr(vecPtr)))
    }

    public static func vecOfSelfLen(vecPtr: UnsafeMutableRawPointer) -> UInt {
        __swift_bridge__$Vec_EventSource$len(vecPtr)
    }
}
public struct StateBlob {
    public var bytes: RustVec<UInt8>

    public init(bytes: RustVec<UInt8>) {
        self.bytes = bytes
    }

    @inline(__always)
    func intoFfiRepr() -> __swift_bridge__$StateBlob {
        { let val = self; return __swift_bridge__$StateBlob(bytes: { let val = val.bytes; val.isOwned = false; return val.ptr }()); }()
    }
}
extension __swift_bridge__$StateBlob {
    @inline(__always)
    func intoSwiftRepr() -> StateBlob {
        { let val = self; return StateBlob(bytes: RustVec(ptr: val.bytes)); }()
    }
}
extension __swift_bridge__$Option$StateBlob {
    @inline(__always)
    func intoSwiftRepr() -> Optional<StateBlob> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }

    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<StateBlob>) -> __swift_bridge__$Option$StateBlob {
        if let v = val {
            return __swift_bridge__$Option$StateBlob(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$StateBlob(is_some: false, val: __swift_bridge__$StateBlob())
        }
    }
}
public struct FetchPlan {
    public var source: EventSource
    public var event_id: RustString
    public var signer_pubkey: RustString
    public var event_json: Optional<RustString>
    public var proxy_url: Optional<RustString>
    public var proxy_auth: Optional<RustString>
    public var relay_url: RustString
    public var relay_req: RustString
    public var relay_close: RustString

    public init(source: EventSource,event_id: RustString,signer_pubkey: RustString,event_json: Optional<RustString>,proxy_url: Optional<RustString>,proxy_auth: Optional<RustString>,relay_url: RustString,relay_req: RustString,relay_close: RustString) {
        self.source = source
        self.event_id = event_id
        self.signer_pubkey = signer_pubkey
        self.event_json = event_json
        self.proxy_url = proxy_url
        self.proxy_auth = proxy_auth
        self.relay_url = relay_url
        self.relay_req = relay_req
        self.relay_close = relay_close
    }

    @inline(__always)
    func intoFfiRepr() -> __swift_bridge__$FetchPlan {
        { let val = self; return __swift_bridge__$FetchPlan(source: val.source.intoFfiRepr(), event_id: { let rustString = val.event_id.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), signer_pubkey: { let rustString = val.signer_pubkey.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), event_json: { if let rustString = optionalStringIntoRustString(val.event_json) { rustString.isOwned = false; return rustString.ptr } else { return nil } }(), proxy_url: { if let rustString = optionalStringIntoRustString(val.proxy_url) { rustString.isOwned = false; return rustString.ptr } else { return nil } }(), proxy_auth: { if let rustString = optionalStringIntoRustString(val.proxy_auth) { rustString.isOwned = false; return rustString.ptr } else { return nil } }(), relay_url: { let rustString = val.relay_url.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), relay_req: { let rustString = val.relay_req.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), relay_close: { let rustString = val.relay_close.intoRustString(); rustString.isOwned = false; return rustString.ptr }()); }()
    }
}
extension __swift_bridge__$FetchPlan {
    @inline(__always)
    func intoSwiftRepr() -> FetchPlan {
        { let val = self; return FetchPlan(source: val.source.intoSwiftRepr(), event_id: RustString(ptr: val.event_id), signer_pubkey: RustString(ptr: val.signer_pubkey), event_json: { let val = val.event_json; if val != nil { return RustString(ptr: val!) } else { return nil } }(), proxy_url: { let val = val.proxy_url; if val != nil { return RustString(ptr: val!) } else { return nil } }(), proxy_auth: { let val = val.proxy_auth; if val != nil { return RustString(ptr: val!) } else { return nil } }(), relay_url: RustString(ptr: val.relay_url), relay_req: RustString(ptr: val.relay_req), relay_close: RustString(ptr: val.relay_close)); }()
    }
}
extension __swift_bridge__$Option$FetchPlan {
    @inline(__always)
    func intoSwiftRepr() -> Optional<FetchPlan> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }

    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<FetchPlan>) -> __swift_bridge__$Option$FetchPlan {
        if let v = val {
            return __swift_bridge__$Option$FetchPlan(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$FetchPlan(is_some: false, val: __swift_bridge__$FetchPlan())
        }
    }
}
public struct Reply {
    public var event_json: RustString
    public var relays: RustVec<RustString>

    public init(event_json: RustString,relays: RustVec<RustString>) {
        self.event_json = event_json
        self.relays = relays
    }

    @inline(__always)
    func intoFfiRepr() -> __swift_bridge__$Reply {
        { let val = self; return __swift_bridge__$Reply(event_json: { let rustString = val.event_json.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), relays: { let val = val.relays; val.isOwned = false; return val.ptr }()); }()
    }
}
extension __swift_bridge__$Reply {
    @inline(__always)
    func intoSwiftRepr() -> Reply {
        { let val = self; return Reply(event_json: RustString(ptr: val.event_json), relays: RustVec(ptr: val.relays)); }()
    }
}
extension __swift_bridge__$Option$Reply {
    @inline(__always)
    func intoSwiftRepr() -> Optional<Reply> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }

    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<Reply>) -> __swift_bridge__$Option$Reply {
        if let v = val {
            return __swift_bridge__$Option$Reply(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$Reply(is_some: false, val: __swift_bridge__$Reply())
        }
    }
}
public struct ActivityInfo {
    public var at: UInt64
    public var account: RustString
    public var client: RustString
    public var method: RustString
    public var kind: Optional<UInt16>
    public var verdict: Verdict
    public var error: Optional<RustString>

    public init(at: UInt64,account: RustString,client: RustString,method: RustString,kind: Optional<UInt16>,verdict: Verdict,error: Optional<RustString>) {
        self.at = at
        self.account = account
        self.client = client
        self.method = method
        self.kind = kind
        self.verdict = verdict
        self.error = error
    }

    @inline(__always)
    func intoFfiRepr() -> __swift_bridge__$ActivityInfo {
        { let val = self; return __swift_bridge__$ActivityInfo(at: val.at, account: { let rustString = val.account.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), client: { let rustString = val.client.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), method: { let rustString = val.method.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), kind: val.kind.intoFfiRepr(), verdict: val.verdict.intoFfiRepr(), error: { if let rustString = optionalStringIntoRustString(val.error) { rustString.isOwned = false; return rustString.ptr } else { return nil } }()); }()
    }
}
extension __swift_bridge__$ActivityInfo {
    @inline(__always)
    func intoSwiftRepr() -> ActivityInfo {
        { let val = self; return ActivityInfo(at: val.at, account: RustString(ptr: val.account), client: RustString(ptr: val.client), method: RustString(ptr: val.method), kind: val.kind.intoSwiftRepr(), verdict: val.verdict.intoSwiftRepr(), error: { let val = val.error; if val != nil { return RustString(ptr: val!) } else { return nil } }()); }()
    }
}
extension __swift_bridge__$Option$ActivityInfo {
    @inline(__always)
    func intoSwiftRepr() -> Optional<ActivityInfo> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }

    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<ActivityInfo>) -> __swift_bridge__$Option$ActivityInfo {
        if let v = val {
            return __swift_bridge__$Option$ActivityInfo(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$ActivityInfo(is_some: false, val: __swift_bridge__$ActivityInfo())
        }
    }
}
public struct PendingInfo {
    public var id: RustString
    public var account: RustString
    public var client: RustString
    public var client_name: RustString
    public var method: RustString
    public var kind: Optional<UInt16>
    public var expires_at: UInt64

    public init(id: RustString,account: RustString,client: RustString,client_name: RustString,method: RustString,kind: Optional<UInt16>,expires_at: UInt64) {
        self.id = id
        self.account = account
        self.client = client
        self.client_name = client_name
        self.method = method
        self.kind = kind
        self.expires_at = expires_at
    }

    @inline(__always)
    func intoFfiRepr() -> __swift_bridge__$PendingInfo {
        { let val = self; return __swift_bridge__$PendingInfo(id: { let rustString = val.id.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), account: { let rustString = val.account.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), client: { let rustString = val.client.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), client_name: { let rustString = val.client_name.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), method: { let rustString = val.method.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), kind: val.kind.intoFfiRepr(), expires_at: val.expires_at); }()
    }
}
extension __swift_bridge__$PendingInfo {
    @inline(__always)
    func intoSwiftRepr() -> PendingInfo {
        { let val = self; return PendingInfo(id: RustString(ptr: val.id), account: RustString(ptr: val.account), client: RustString(ptr: val.client), client_name: RustString(ptr: val.client_name), method: RustString(ptr: val.method), kind: val.kind.intoSwiftRepr(), expires_at: val.expires_at); }()
    }
}
extension __swift_bridge__$Option$PendingInfo {
    @inline(__always)
    func intoSwiftRepr() -> Optional<PendingInfo> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }

    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<PendingInfo>) -> __swift_bridge__$Option$PendingInfo {
        if let v = val {
            return __swift_bridge__$Option$PendingInfo(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$PendingInfo(is_some: false, val: __swift_bridge__$PendingInfo())
        }
    }
}
public struct HeldRequest {
    public var info: PendingInfo
    public var request_json: RustVec<UInt8>

    public init(info: PendingInfo,request_json: RustVec<UInt8>) {
        self.info = info
        self.request_json = request_json
    }

    @inline(__always)
    func intoFfiRepr() -> __swift_bridge__$HeldRequest {
        { let val = self; return __swift_bridge__$HeldRequest(info: val.info.intoFfiRepr(), request_json: { let val = val.request_json; val.isOwned = false; return val.ptr }()); }()
    }
}
extension __swift_bridge__$HeldRequest {
    @inline(__always)
    func intoSwiftRepr() -> HeldRequest {
        { let val = self; return HeldRequest(info: val.info.intoSwiftRepr(), request_json: RustVec(ptr: val.request_json)); }()
    }
}
extension __swift_bridge__$Option$HeldRequest {
    @inline(__always)
    func intoSwiftRepr() -> Optional<HeldRequest> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }

    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<HeldRequest>) -> __swift_bridge__$Option$HeldRequest {
        if let v = val {
            return __swift_bridge__$Option$HeldRequest(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$HeldRequest(is_some: false, val: __swift_bridge__$HeldRequest())
        }
    }
}
public struct HandleResult {
    public var state: RustVec<UInt8>
    public var reply: Optional<Reply>
    public var activity: Optional<ActivityInfo>
    public var held: Optional<HeldRequest>
    public var ignored: Optional<RustString>

    public init(state: RustVec<UInt8>,reply: Optional<Reply>,activity: Optional<ActivityInfo>,held: Optional<HeldRequest>,ignored: Optional<RustString>) {
        self.state = state
        self.reply = reply
        self.activity = activity
        self.held = held
        self.ignored = ignored
    }

    @inline(__always)
    func intoFfiRepr() -> __swift_bridge__$HandleResult {
        { let val = self; return __swift_bridge__$HandleResult(state: { let val = val.state; val.isOwned = false; return val.ptr }(), reply: __swift_bridge__$Option$Reply.fromSwiftRepr(val.reply), activity: __swift_bridge__$Option$ActivityInfo.fromSwiftRepr(val.activity), held: __swift_bridge__$Option$HeldRequest.fromSwiftRepr(val.held), ignored: { if let rustString = optionalStringIntoRustString(val.ignored) { rustString.isOwned = false; return rustString.ptr } else { return nil } }()); }()
    }
}
extension __swift_bridge__$HandleResult {
    @inline(__always)
    func intoSwiftRepr() -> HandleResult {
        { let val = self; return HandleResult(state: RustVec(ptr: val.state), reply: val.reply.intoSwiftRepr(), activity: val.activity.intoSwiftRepr(), held: val.held.intoSwiftRepr(), ignored: { let val = val.ignored; if val != nil { return RustString(ptr: val!) } else { return nil } }()); }()
    }
}
extension __swift_bridge__$Option$HandleResult {
    @inline(__always)
    func intoSwiftRepr() -> Optional<HandleResult> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }

    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<HandleResult>) -> __swift_bridge__$Option$HandleResult {
        if let v = val {
            return __swift_bridge__$Option$HandleResult(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$HandleResult(is_some: false, val: __swift_bridge__$HandleResult())
        }
    }
}
public struct ConnectRequest {
    public var client_pubkey: RustString
    public var name: Optional<RustString>
    public var url: Optional<RustString>
    public var image: Optional<RustString>
    public var relays: RustVec<RustString>
    public var perms: RustVec<RustString>

    public init(client_pubkey: RustString,name: Optional<RustString>,url: Optional<RustString>,image: Optional<RustString>,relays: RustVec<RustString>,perms: RustVec<RustString>) {
        self.client_pubkey = client_pubkey
        self.name = name
        self.url = url
        self.image = image
        self.relays = relays
        self.perms = perms
    }

    @inline(__always)
    func intoFfiRepr() -> __swift_bridge__$ConnectRequest {
        { let val = self; return __swift_bridge__$ConnectRequest(client_pubkey: { let rustString = val.client_pubkey.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), name: { if let rustString = optionalStringIntoRustString(val.name) { rustString.isOwned = false; return rustString.ptr } else { return nil } }(), url: { if let rustString = optionalStringIntoRustString(val.url) { rustString.isOwned = false; return rustString.ptr } else { return nil } }(), image: { if let rustString = optionalStringIntoRustString(val.image) { rustString.isOwned = false; return rustString.ptr } else { return nil } }(), relays: { let val = val.relays; val.isOwned = false; return val.ptr }(), perms: { let val = val.perms; val.isOwned = false; return val.ptr }()); }()
    }
}
extension __swift_bridge__$ConnectRequest {
    @inline(__always)
    func intoSwiftRepr() -> ConnectRequest {
        { let val = self; return ConnectRequest(client_pubkey: RustString(ptr: val.client_pubkey), name: { let val = val.name; if val != nil { return RustString(ptr: val!) } else { return nil } }(), url: { let val = val.url; if val != nil { return RustString(ptr: val!) } else { return nil } }(), image: { let val = val.image; if val != nil { return RustString(ptr: val!) } else { return nil } }(), relays: RustVec(ptr: val.relays), perms: RustVec(ptr: val.perms)); }()
    }
}
extension __swift_bridge__$Option$ConnectRequest {
    @inline(__always)
    func intoSwiftRepr() -> Optional<ConnectRequest> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }

    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<ConnectRequest>) -> __swift_bridge__$Option$ConnectRequest {
        if let v = val {
            return __swift_bridge__$Option$ConnectRequest(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$ConnectRequest(is_some: false, val: __swift_bridge__$ConnectRequest())
        }
    }
}
public struct AccountInfo {
    public var pubkey: RustString
    public var transport_pubkey: RustString
    public var relays: RustVec<RustString>
    public var protected_kinds: RustVec<UInt16>
    public var default_trust: Trust

    public init(pubkey: RustString,transport_pubkey: RustString,relays: RustVec<RustString>,protected_kinds: RustVec<UInt16>,default_trust: Trust) {
        self.pubkey = pubkey
        self.transport_pubkey = transport_pubkey
        self.relays = relays
        self.protected_kinds = protected_kinds
        self.default_trust = default_trust
    }

    @inline(__always)
    func intoFfiRepr() -> __swift_bridge__$AccountInfo {
        { let val = self; return __swift_bridge__$AccountInfo(pubkey: { let rustString = val.pubkey.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), transport_pubkey: { let rustString = val.transport_pubkey.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), relays: { let val = val.relays; val.isOwned = false; return val.ptr }(), protected_kinds: { let val = val.protected_kinds; val.isOwned = false; return val.ptr }(), default_trust: val.default_trust.intoFfiRepr()); }()
    }
}
extension __swift_bridge__$AccountInfo {
    @inline(__always)
    func intoSwiftRepr() -> AccountInfo {
        { let val = self; return AccountInfo(pubkey: RustString(ptr: val.pubkey), transport_pubkey: RustString(ptr: val.transport_pubkey), relays: RustVec(ptr: val.relays), protected_kinds: RustVec(ptr: val.protected_kinds), default_trust: val.default_trust.intoSwiftRepr()); }()
    }
}
extension __swift_bridge__$Option$AccountInfo {
    @inline(__always)
    func intoSwiftRepr() -> Optional<AccountInfo> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }

    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<AccountInfo>) -> __swift_bridge__$Option$AccountInfo {
        if let v = val {
            return __swift_bridge__$Option$AccountInfo(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$AccountInfo(is_some: false, val: __swift_bridge__$AccountInfo())
        }
    }
}
public struct ClientInfo {
    public var account: RustString
    public var pubkey: RustString
    public var name: RustString
    public var url: RustString
    public var relays: RustVec<RustString>
    public var trust: Trust
    public var kind_overrides: RustVec<UInt16>
    public var kind_decisions: RustVec<Decision>
    public var method_overrides: RustVec<RustString>
    public var method_decisions: RustVec<Decision>
    public var paired_at: UInt64
    public var last_seen: UInt64

    public init(account: RustString,pubkey: RustString,name: RustString,url: RustString,relays: RustVec<RustString>,trust: Trust,kind_overrides: RustVec<UInt16>,kind_decisions: RustVec<Decision>,method_overrides: RustVec<RustString>,method_decisions: RustVec<Decision>,paired_at: UInt64,last_seen: UInt64) {
        self.account = account
        self.pubkey = pubkey
        self.name = name
        self.url = url
        self.relays = relays
        self.trust = trust
        self.kind_overrides = kind_overrides
        self.kind_decisions = kind_decisions
        self.method_overrides = method_overrides
        self.method_decisions = method_decisions
        self.paired_at = paired_at
        self.last_seen = last_seen
    }

    @inline(__always)
    func intoFfiRepr() -> __swift_bridge__$ClientInfo {
        { let val = self; return __swift_bridge__$ClientInfo(account: { let rustString = val.account.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), pubkey: { let rustString = val.pubkey.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), name: { let rustString = val.name.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), url: { let rustString = val.url.intoRustString(); rustString.isOwned = false; return rustString.ptr }(), relays: { let val = val.relays; val.isOwned = false; return val.ptr }(), trust: val.trust.intoFfiRepr(), kind_overrides: { let val = val.kind_overrides; val.isOwned = false; return val.ptr }(), kind_decisions: { let val = val.kind_decisions; val.isOwned = false; return val.ptr }(), method_overrides: { let val = val.method_overrides; val.isOwned = false; return val.ptr }(), method_decisions: { let val = val.method_decisions; val.isOwned = false; return val.ptr }(), paired_at: val.paired_at, last_seen: val.last_seen); }()
    }
}
extension __swift_bridge__$ClientInfo {
    @inline(__always)
    func intoSwiftRepr() -> ClientInfo {
        { let val = self; return ClientInfo(account: RustString(ptr: val.account), pubkey: RustString(ptr: val.pubkey), name: RustString(ptr: val.name), url: RustString(ptr: val.url), relays: RustVec(ptr: val.relays), trust: val.trust.intoSwiftRepr(), kind_overrides: RustVec(ptr: val.kind_overrides), kind_decisions: RustVec(ptr: val.kind_decisions), method_overrides: RustVec(ptr: val.method_overrides), method_decisions: RustVec(ptr: val.method_decisions), paired_at: val.paired_at, last_seen: val.last_seen); }()
    }
}
extension __swift_bridge__$Option$ClientInfo {
    @inline(__always)
    func intoSwiftRepr() -> Optional<ClientInfo> {
        if self.is_some {
            return self.val.intoSwiftRepr()
        } else {
            return nil
        }
    }

    @inline(__always)
    static func fromSwiftRepr(_ val: Optional<ClientInfo>) -> __swift_bridge__$Option$ClientInfo {
        if let v = val {
            return __swift_bridge__$Option$ClientInfo(is_some: true, val: v.intoFfiRepr())
        } else {
            return __swift_bridge__$Option$ClientInfo(is_some: false, val: __swift_bridge__$ClientInfo())
        }
    }
}

public class PendingList: PendingListRefMut {
    var isOwned: Bool = true

    public override init(ptr: UnsafeMutableRawPointer) {
        super.init(ptr: ptr)
    }

    deinit {
        if isOwned {
            __swift_bridge__$PendingList$_free(ptr)
        }
    }
}
public class PendingListRefMut: PendingListRef {
    public override init(ptr: UnsafeMutableRawPointer) {
        super.init(ptr: ptr)
    }
}
public class PendingListRef {
    var ptr: UnsafeMutableRawPointer

    public init(ptr: UnsafeMutableRawPointer) {
        self.ptr = ptr
    }
}
extension PendingListRef {
    public func len() -> UInt {
        __swift_bridge__$PendingList$len(ptr)
    }

    public func get(_ index: UInt) -> Optional<PendingInfo> {
        __swift_bridge__$PendingList$get(ptr, index).intoSwiftRepr()
    }

    public func next_expiry() -> Optional<UInt64> {
        __swift_bridge__$PendingList$next_expiry(ptr).intoSwiftRepr()
    }
}
extension PendingList: Vectorizable {
    public static func vecOfSelfNew() -> UnsafeMutableRawPointer {
        __swift_bridge__$Vec_PendingList$new()
    }

    public static func vecOfSelfFree(vecPtr: UnsafeMutableRawPointer) {
        __swift_bridge__$Vec_PendingList$drop(vecPtr)
    }

    public static func vecOfSelfPush(vecPtr: UnsafeMutableRawPointer, value: PendingList) {
        __swift_bridge__$Vec_PendingList$push(vecPtr, {value.isOwned = false; return value.ptr;}())
    }

    public static func vecOfSelfPop(vecPtr: UnsafeMutableRawPointer) -> Optional<Self> {
        let pointer = __swift_bridge__$Vec_PendingList$pop(vecPtr)
        if pointer == nil {
            return nil
        } else {
            return (PendingList(ptr: pointer!) as! Self)
        }
    }

    public static func vecOfSelfGet(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<PendingListRef> {
        let pointer = __swift_bridge__$Vec_PendingList$get(vecPtr, index)
        if pointer == nil {
            return nil
        } else {
            return PendingListRef(ptr: pointer!)
        }
    }

    public static func vecOfSelfGetMut(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<PendingListRefMut> {
        let pointer = __swift_bridge__$Vec_PendingList$get_mut(vecPtr, index)
        if pointer == nil {
            return nil
        } else {
            return PendingListRefMut(ptr: pointer!)
        }
    }

    public static func vecOfSelfAsPtr(vecPtr: UnsafeMutableRawPointer) -> UnsafePointer<PendingListRef> {
        UnsafePointer<PendingListRef>(OpaquePointer(__swift_bridge__$Vec_PendingList$as_ptr(vecPtr)))
    }

    public static func vecOfSelfLen(vecPtr: UnsafeMutableRawPointer) -> UInt {
        __swift_bridge__$Vec_PendingList$len(vecPtr)
    }
}


public class ClientList: ClientListRefMut {
    var isOwned: Bool = true

    public override init(ptr: UnsafeMutableRawPointer) {
        super.init(ptr: ptr)
    }

    deinit {
        if isOwned {
            __swift_bridge__$ClientList$_free(ptr)
        }
    }
}
public class ClientListRefMut: ClientListRef {
    public override init(ptr: UnsafeMutableRawPointer) {
        super.init(ptr: ptr)
    }
}
public class ClientListRef {
    var ptr: UnsafeMutableRawPointer

    public init(ptr: UnsafeMutableRawPointer) {
        self.ptr = ptr
    }
}
extension ClientListRef {
    public func len() -> UInt {
        __swift_bridge__$ClientList$len(ptr)
    }

    public func get(_ index: UInt) -> Optional<ClientInfo> {
        __swift_bridge__$ClientList$get(ptr, index).intoSwiftRepr()
    }
}
extension ClientList: Vectorizable {
    public static func vecOfSelfNew() -> UnsafeMutableRawPointer {
        __swift_bridge__$Vec_ClientList$new()
    }

    public static func vecOfSelfFree(vecPtr: UnsafeMutableRawPointer) {
        __swift_bridge__$Vec_ClientList$drop(vecPtr)
    }

    public static func vecOfSelfPush(vecPtr: UnsafeMutableRawPointer, value: ClientList) {
        __swift_bridge__$Vec_ClientList$push(vecPtr, {value.isOwned = false; return value.ptr;}())
    }

    public static func vecOfSelfPop(vecPtr: UnsafeMutableRawPointer) -> Optional<Self> {
        let pointer = __swift_bridge__$Vec_ClientList$pop(vecPtr)
        if pointer == nil {
            return nil
        } else {
            return (ClientList(ptr: pointer!) as! Self)
        }
    }

    public static func vecOfSelfGet(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<ClientListRef> {
        let pointer = __swift_bridge__$Vec_ClientList$get(vecPtr, index)
        if pointer == nil {
            return nil
        } else {
            return ClientListRef(ptr: pointer!)
        }
    }

    public static func vecOfSelfGetMut(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<ClientListRefMut> {
        let pointer = __swift_bridge__$Vec_ClientList$get_mut(vecPtr, index)
        if pointer == nil {
            return nil
        } else {
            return ClientListRefMut(ptr: pointer!)
        }
    }

    public static func vecOfSelfAsPtr(vecPtr: UnsafeMutableRawPointer) -> UnsafePointer<ClientListRef> {
        UnsafePointer<ClientListRef>(OpaquePointer(__swift_bridge__$Vec_ClientList$as_ptr(vecPtr)))
    }

    public static func vecOfSelfLen(vecPtr: UnsafeMutableRawPointer) -> UInt {
        __swift_bridge__$Vec_ClientList$len(vecPtr)
    }
}


public class AccountList: AccountListRefMut {
    var isOwned: Bool = true

    public override init(ptr: UnsafeMutableRawPointer) {
        super.init(ptr: ptr)
    }

    deinit {
        if isOwned {
            __swift_bridge__$AccountList$_free(ptr)
        }
    }
}
public class AccountListRefMut: AccountListRef {
    public override init(ptr: UnsafeMutableRawPointer) {
        super.init(ptr: ptr)
    }
}
public class AccountListRef {
    var ptr: UnsafeMutableRawPointer

    public init(ptr: UnsafeMutableRawPointer) {
        self.ptr = ptr
    }
}
extension AccountListRef {
    public func len() -> UInt {
        __swift_bridge__$AccountList$len(ptr)
    }

    public func get(_ index: UInt) -> Optional<AccountInfo> {
        __swift_bridge__$AccountList$get(ptr, index).intoSwiftRepr()
    }
}
extension AccountList: Vectorizable {
    public static func vecOfSelfNew() -> UnsafeMutableRawPointer {
        __swift_bridge__$Vec_AccountList$new()
    }

    public static func vecOfSelfFree(vecPtr: UnsafeMutableRawPointer) {
        __swift_bridge__$Vec_AccountList$drop(vecPtr)
    }

    public static func vecOfSelfPush(vecPtr: UnsafeMutableRawPointer, value: AccountList) {
        __swift_bridge__$Vec_AccountList$push(vecPtr, {value.isOwned = false; return value.ptr;}())
    }

    public static func vecOfSelfPop(vecPtr: UnsafeMutableRawPointer) -> Optional<Self> {
        let pointer = __swift_bridge__$Vec_AccountList$pop(vecPtr)
        if pointer == nil {
            return nil
        } else {
            return (AccountList(ptr: pointer!) as! Self)
        }
    }

    public static func vecOfSelfGet(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<AccountListRef> {
        let pointer = __swift_bridge__$Vec_AccountList$get(vecPtr, index)
        if pointer == nil {
            return nil
        } else {
            return AccountListRef(ptr: pointer!)
        }
    }

    public static func vecOfSelfGetMut(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<AccountListRefMut> {
        let pointer = __swift_bridge__$Vec_AccountList$get_mut(vecPtr, index)
        if pointer == nil {
            return nil
        } else {
            return AccountListRefMut(ptr: pointer!)
        }
    }

    public static func vecOfSelfAsPtr(vecPtr: UnsafeMutableRawPointer) -> UnsafePointer<AccountListRef> {
        UnsafePointer<AccountListRef>(OpaquePointer(__swift_bridge__$Vec_AccountList$as_ptr(vecPtr)))
    }

    public static func vecOfSelfLen(vecPtr: UnsafeMutableRawPointer) -> UInt {
        __swift_bridge__$Vec_AccountList$len(vecPtr)
    }
}


public class SecretBytes: SecretBytesRefMut {
    var isOwned: Bool = true

    public override init(ptr: UnsafeMutableRawPointer) {
        super.init(ptr: ptr)
    }

    deinit {
        if isOwned {
            __swift_bridge__$SecretBytes$_free(ptr)
        }
    }
}
public class SecretBytesRefMut: SecretBytesRef {
    public override init(ptr: UnsafeMutableRawPointer) {
        super.init(ptr: ptr)
    }
}
public class SecretBytesRef {
    var ptr: UnsafeMutableRawPointer

    public init(ptr: UnsafeMutableRawPointer) {
        self.ptr = ptr
    }
}
extension SecretBytesRef {
    public func bytes() -> UnsafeBufferPointer<UInt8> {
        let slice = __swift_bridge__$SecretBytes$bytes(ptr); return UnsafeBufferPointer(start: slice.start.assumingMemoryBound(to: UInt8.self), count: Int(slice.len));
    }
}
extension SecretBytes: Vectorizable {
    public static func vecOfSelfNew() -> UnsafeMutableRawPointer {
        __swift_bridge__$Vec_SecretBytes$new()
    }

    public static func vecOfSelfFree(vecPtr: UnsafeMutableRawPointer) {
        __swift_bridge__$Vec_SecretBytes$drop(vecPtr)
    }

    public static func vecOfSelfPush(vecPtr: UnsafeMutableRawPointer, value: SecretBytes) {
        __swift_bridge__$Vec_SecretBytes$push(vecPtr, {value.isOwned = false; return value.ptr;}())
    }

    public static func vecOfSelfPop(vecPtr: UnsafeMutableRawPointer) -> Optional<Self> {
        let pointer = __swift_bridge__$Vec_SecretBytes$pop(vecPtr)
        if pointer == nil {
            return nil
        } else {
            return (SecretBytes(ptr: pointer!) as! Self)
        }
    }

    public static func vecOfSelfGet(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<SecretBytesRef> {
        let pointer = __swift_bridge__$Vec_SecretBytes$get(vecPtr, index)
        if pointer == nil {
            return nil
        } else {
            return SecretBytesRef(ptr: pointer!)
        }
    }

    public static func vecOfSelfGetMut(vecPtr: UnsafeMutableRawPointer, index: UInt) -> Optional<SecretBytesRefMut> {
        let pointer = __swift_bridge__$Vec_SecretBytes$get_mut(vecPtr, index)
        if pointer == nil {
            return nil
        } else {
            return SecretBytesRefMut(ptr: pointer!)
        }
    }

    public static func vecOfSelfAsPtr(vecPtr: UnsafeMutableRawPointer) -> UnsafePointer<SecretBytesRef> {
        UnsafePointer<SecretBytesRef>(OpaquePointer(__swift_bridge__$Vec_SecretBytes$as_ptr(vecPtr)))
    }

    public static func vecOfSelfLen(vecPtr: UnsafeMutableRawPointer) -> UInt {
        __swift_bridge__$Vec_SecretBytes$len(vecPtr)
    }
}



