using SessionBridge.Legacy.Format;

namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>
/// The state server calls and replies in the exact shapes Mono's binary formatter gives them (checked against the
/// recordings in ../vectors/mono-state-server-exchanges.json), written and read by hand; and the checks that turn a
/// parsed <see cref="RemotingMessage"/> into a <see cref="MonoStateServerCall"/> or a reply.
/// </summary>
/// <remarks>
/// <code>
/// call (ArgsInArray|ContextInArray = 0x48): GetItem, SetAndReleaseItemExclusive
///   call array [args object[], LogicalCallContext (no members)]
///   GetItem args [id, locked=false, lockAge=TimeSpan.MinValue, lockId=int.MinValue, actions=SessionStateActions.None, exclusive]
///   SetAndReleaseItemExclusive args [id, collectionData byte[], staticObjectsData byte[]|null, lockId int, timeout int, newItem]
/// call (ArgsInline|ContextInArray = 0x42): ReleaseItemExclusive [id, lockId], Remove [id, lockId],
///   ResetItemTimeout [id], CreateUninitializedItem [id, timeout]; call array [LogicalCallContext]
/// reply, void (ArgsInline|NoContext|NoReturnValue = 0x212): one Null per parameter, no call array
/// reply, GetItem null (ArgsIsArray|NoContext|NoReturnValue = 0x214): the call array is the out args
///   [null, locked, lockAge, lockId, actions, null]
/// reply, GetItem item (ArgsInArray|NoContext|ReturnValueInArray = 0x1018): [out args, StateServerItem]
///   StateServerItem { CollectionData byte[], StaticObjectsData byte[], last_access DateTime, Timeout int,
///                     LockId int, Locked bool, LockedTime DateTime, Action SessionStateActions }
/// </code>
/// </remarks>
internal static class MonoStateServerMessages
{
    public const string ServerTypeName = "System.Web.SessionState.RemoteStateServer, System.Web, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a";
    public const string SystemWebLibrary = "System.Web, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a";
    public const string ActionsTypeName = "System.Web.SessionState.SessionStateActions";
    public const string ItemTypeName = "System.Web.SessionState.StateServerItem";
    public const string CallContextTypeName = "System.Runtime.Remoting.Messaging.LogicalCallContext";

    /// <summary>Longest session id accepted (Mono's are 24 characters; Mono itself accepts any).</summary>
    public const int MaxSessionIdLength = 80;

    private static readonly string[] ItemMembers = ["CollectionData", "StaticObjectsData", "last_access", "Timeout", "LockId", "Locked", "LockedTime", "Action"];

    public static int ParameterCount(MonoStateServerMethod method) => method switch
    {
        MonoStateServerMethod.GetItem or MonoStateServerMethod.SetAndReleaseItemExclusive => 6,
        MonoStateServerMethod.ResetItemTimeout => 1,
        _ => 2,
    };

    // ---- calls ----

    /// <summary>The [MS-NRBF] body of a call, byte for byte as Mono's client writes it.</summary>
    public static byte[] WriteCall(MonoStateServerCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var w = new NrbfWriter();
        w.Header(hasCallArray: true);
        w.Byte(21);
        var inArray = call.Method is MonoStateServerMethod.GetItem or MonoStateServerMethod.SetAndReleaseItemExclusive;
        w.Int32(inArray ? 0x48 : 0x42);
        w.Byte(18);
        w.String(call.Method.ToString());
        w.Byte(18);
        w.String(ServerTypeName);
        if (!inArray)
        {
            w.Int32(ParameterCount(call.Method));
            InlineString(w, call.SessionId);
            switch (call.Method)
            {
                case MonoStateServerMethod.ReleaseItemExclusive or MonoStateServerMethod.Remove:
                    InlineNullableInt32(w, call.LockId);
                    break;
                case MonoStateServerMethod.CreateUninitializedItem:
                    InlineNullableInt32(w, call.Timeout);
                    break;
            }

            w.ObjectArrayStart(1, 1);
            w.Reference(2);
            CallContext(w, 2);
            w.Byte(11);
            return w.ToArray();
        }

        w.ObjectArrayStart(1, 2);
        w.Reference(2);
        w.Reference(3);
        w.ObjectArrayStart(2, 6);
        w.ObjectString(4, call.SessionId);
        if (call.Method == MonoStateServerMethod.GetItem)
        {
            w.TypedBoolean(false);
            w.TypedTimeSpan(TimeSpan.MinValue);
            w.TypedInt32(int.MinValue);
            w.Reference(5);
            w.TypedBoolean(call.Exclusive);
            CallContext(w, 3);
            w.Library(6, SystemWebLibrary);
            ActionsClass(w, 5, 6, SessionStateActions.None);
        }
        else
        {
            var next = 5;
            var collectionId = call.CollectionData is null ? 0 : next++;
            var staticId = call.StaticObjectsData is null ? 0 : next;
            ReferenceOrNull(w, collectionId);
            ReferenceOrNull(w, staticId);
            w.TypedInt32(call.LockId ?? int.MinValue);
            w.TypedInt32(call.Timeout);
            w.TypedBoolean(call.NewItem);
            CallContext(w, 3);
            if (call.CollectionData is not null)
            {
                w.ByteArray(collectionId, call.CollectionData);
            }

            if (call.StaticObjectsData is not null)
            {
                w.ByteArray(staticId, call.StaticObjectsData);
            }
        }

        w.Byte(11);
        return w.ToArray();
    }

    /// <summary>Checks a parsed call against the six methods' signatures; nothing outside them is accepted.</summary>
    /// <exception cref="RemotingProtocolException">Not a call of <c>RemoteStateServer</c>, or an argument of the wrong kind.</exception>
    public static MonoStateServerCall ReadCall(RemotingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.IsReturn)
        {
            throw new RemotingProtocolException("Expected a method call, got a method return.");
        }

        if (!string.Equals(message.TypeName, ServerTypeName, StringComparison.Ordinal)
            && !(message.TypeName ?? string.Empty).StartsWith("System.Web.SessionState.RemoteStateServer,", StringComparison.Ordinal))
        {
            throw new RemotingProtocolException($"The call is for type '{Shorten(message.TypeName)}', not System.Web.SessionState.RemoteStateServer.");
        }

        if (!TryParseMethod(message.MethodName, out var method))
        {
            throw new RemotingProtocolException($"'{Shorten(message.MethodName)}' is not a RemoteStateServer method.");
        }

        var args = message.Args;
        var expected = ParameterCount(method);
        if (args.Length != expected)
        {
            throw new RemotingProtocolException($"{method} takes {expected} arguments, the call has {args.Length}.");
        }

        var id = args[0] as string ?? throw new RemotingProtocolException($"{method}: the session id is not a string.");
        if (id.Length is 0 or > MaxSessionIdLength || id.Any(char.IsControl))
        {
            throw new RemotingProtocolException($"{method}: the session id is empty, longer than {MaxSessionIdLength} characters, or holds control characters.");
        }

        switch (method)
        {
            case MonoStateServerMethod.GetItem:
                Expect<bool>(method, args, 1, nullable: true);
                Expect<TimeSpan>(method, args, 2, nullable: true);
                if (args[3] is not (null or int))
                {
                    throw WrongArgument(method, 3, "an Int32 lock id or null");
                }

                _ = ReadActions(args[4], method, 4);
                return new MonoStateServerCall { Method = method, SessionId = id, Exclusive = Expect<bool>(method, args, 5, nullable: false) };
            case MonoStateServerMethod.SetAndReleaseItemExclusive:
                if (args[1] is not (null or byte[]) || args[2] is not (null or byte[]))
                {
                    throw WrongArgument(method, args[1] is null or byte[] ? 2 : 1, "a byte array or null");
                }

                return new MonoStateServerCall
                {
                    Method = method,
                    SessionId = id,
                    CollectionData = (byte[]?)args[1],
                    StaticObjectsData = (byte[]?)args[2],
                    LockId = Expect<int>(method, args, 3, nullable: false),
                    Timeout = CheckTimeout(method, Expect<int>(method, args, 4, nullable: false)),
                    NewItem = Expect<bool>(method, args, 5, nullable: false),
                };
            case MonoStateServerMethod.ReleaseItemExclusive:
                return new MonoStateServerCall { Method = method, SessionId = id, LockId = Expect<int>(method, args, 1, nullable: false) };
            case MonoStateServerMethod.Remove:
                return args[1] is null or int
                    ? new MonoStateServerCall { Method = method, SessionId = id, LockId = (int?)args[1] }
                    : throw WrongArgument(method, 1, "an Int32 lock id or null");
            case MonoStateServerMethod.ResetItemTimeout:
                return new MonoStateServerCall { Method = method, SessionId = id };
            default:
                return new MonoStateServerCall { Method = method, SessionId = id, Timeout = CheckTimeout(method, Expect<int>(method, args, 1, nullable: false)) };
        }
    }

    /// <summary>One of the six method names, spelled exactly.</summary>
    public static bool TryParseMethod(string? name, out MonoStateServerMethod method)
    {
        (var found, method) = name switch
        {
            "GetItem" => (true, MonoStateServerMethod.GetItem),
            "SetAndReleaseItemExclusive" => (true, MonoStateServerMethod.SetAndReleaseItemExclusive),
            "ReleaseItemExclusive" => (true, MonoStateServerMethod.ReleaseItemExclusive),
            "Remove" => (true, MonoStateServerMethod.Remove),
            "ResetItemTimeout" => (true, MonoStateServerMethod.ResetItemTimeout),
            "CreateUninitializedItem" => (true, MonoStateServerMethod.CreateUninitializedItem),
            _ => (false, MonoStateServerMethod.GetItem),
        };
        return found;
    }

    // ---- replies ----

    /// <summary>The reply to a method without a result: one Null output per parameter.</summary>
    public static byte[] WriteVoidReply(MonoStateServerMethod method)
    {
        var w = new NrbfWriter();
        w.Header(hasCallArray: false);
        w.Byte(22);
        w.Int32(0x212);
        var count = ParameterCount(method);
        w.Int32(count);
        for (var i = 0; i < count; i++)
        {
            w.Byte(17);
        }

        w.Byte(11);
        return w.ToArray();
    }

    /// <summary>The reply to <c>GetItem</c>, in Mono's shape.</summary>
    public static byte[] WriteGetItemReply(MonoStateServerReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var w = new NrbfWriter();
        w.Header(hasCallArray: true);
        w.Byte(22);
        if (reply.Item is not { } item)
        {
            w.Int32(0x214);
            OutArgs(w, 1, reply, actionsId: 2);
            w.Library(3, SystemWebLibrary);
            ActionsClass(w, 2, 3, reply.Actions);
            w.Byte(11);
            return w.ToArray();
        }

        w.Int32(0x1018);
        w.ObjectArrayStart(1, 2);
        w.Reference(2);
        w.Reference(3);
        OutArgs(w, 2, reply, actionsId: 4);
        var next = 5;
        var library = next++;
        var collectionId = item.CollectionData is null ? 0 : next++;
        var staticId = item.StaticObjectsData is null ? 0 : next++;
        var inlineActionsId = -next;
        w.Library(library, SystemWebLibrary);
        w.Byte(5);
        w.Int32(3);
        w.String(ItemTypeName);
        w.Int32(ItemMembers.Length);
        foreach (var name in ItemMembers)
        {
            w.String(name);
        }

        w.Bytes([7, 7, 0, 0, 0, 0, 0, 4]);
        w.Bytes([2, 2, 13, 8, 8, 1, 13]);
        w.String(ActionsTypeName);
        w.Int32(library);
        w.Int32(library);
        ReferenceOrNull(w, collectionId);
        ReferenceOrNull(w, staticId);
        w.DateTime(item.LastAccess);
        w.Int32(item.Timeout);
        w.Int32(item.LockId);
        w.Byte(item.Locked ? (byte)1 : (byte)0);
        w.DateTime(item.LockedTime);
        ActionsClass(w, inlineActionsId, library, item.Action);

        // The out-args' actions: the same class again, by its metadata.
        w.Byte(1);
        w.Int32(4);
        w.Int32(inlineActionsId);
        w.Int32((int)reply.Actions);
        if (item.CollectionData is not null)
        {
            w.ByteArray(collectionId, item.CollectionData);
        }

        if (item.StaticObjectsData is not null)
        {
            w.ByteArray(staticId, item.StaticObjectsData);
        }

        w.Byte(11);
        return w.ToArray();
    }

    /// <summary>Reads a void method's reply; a returned exception becomes <see cref="RemotingProtocolException"/>.</summary>
    public static void ReadVoidReply(RemotingMessage message, MonoStateServerMethod method)
    {
        CheckReturn(message, method);
        if (message.ReturnValue is not null)
        {
            throw new RemotingProtocolException($"{method} returned a value; it is void.");
        }
    }

    /// <summary>Reads the reply to <c>GetItem</c>.</summary>
    public static MonoStateServerReply ReadGetItemReply(RemotingMessage message)
    {
        const MonoStateServerMethod method = MonoStateServerMethod.GetItem;
        CheckReturn(message, method);
        var args = message.Args;
        if (args.Length != 6)
        {
            throw new RemotingProtocolException($"The GetItem reply has {args.Length} output arguments, not 6.");
        }

        var locked = Expect<bool>(method, args, 1, nullable: false);
        var lockAge = Expect<TimeSpan>(method, args, 2, nullable: false);
        var lockId = args[3] as int? ?? throw WrongArgument(method, 3, "an Int32 lock id");
        var actions = ReadActions(args[4], method, 4);
        MonoStateServerItem? item = null;
        if (message.ReturnValue is not null)
        {
            var value = message.ReturnValue as NrbfClassValue;
            if (value is null || value.TypeName != ItemTypeName)
            {
                throw new RemotingProtocolException("GetItem returned something other than a StateServerItem.");
            }

            item = new MonoStateServerItem
            {
                CollectionData = Member<byte[]>(value, "CollectionData", nullable: true),
                StaticObjectsData = Member<byte[]>(value, "StaticObjectsData", nullable: true),
                LastAccess = Member<DateTime>(value, "last_access", nullable: false),
                Timeout = Member<int>(value, "Timeout", nullable: false),
                LockId = Member<int>(value, "LockId", nullable: false),
                Locked = Member<bool>(value, "Locked", nullable: false),
                LockedTime = Member<DateTime>(value, "LockedTime", nullable: false),
                Action = value.TryGet("Action", out var action) ? ReadActions(action, method, 0) : throw MissingMember("Action"),
            };
        }

        return new MonoStateServerReply { Item = item, Locked = locked, LockAge = lockAge, LockId = lockId, Actions = actions };
    }

    private static void CheckReturn(RemotingMessage message, MonoStateServerMethod method)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.IsReturn)
        {
            throw new RemotingProtocolException($"Expected the return of {method}, got a method call.");
        }

        if (message.Exception is { } exception)
        {
            var text = exception.TryGet("Message", out var m) && m is string s ? s : "(no message)";
            var type = exception.TryGet("ClassName", out var c) && c is string n ? n : exception.TypeName;
            throw new RemotingProtocolException($"The state server answered {method} with {Shorten(type)}: {Shorten(text)}");
        }
    }

    private static void OutArgs(NrbfWriter w, int arrayId, MonoStateServerReply reply, int actionsId)
    {
        w.ObjectArrayStart(arrayId, 6);
        w.Null();
        w.TypedBoolean(reply.Locked);
        w.TypedTimeSpan(reply.LockAge);
        w.TypedInt32(reply.LockId);
        w.Reference(actionsId);
        w.Null();
    }

    private static void ActionsClass(NrbfWriter w, int id, int library, SessionStateActions value)
    {
        w.Byte(5);
        w.Int32(id);
        w.String(ActionsTypeName);
        w.Int32(1);
        w.String("value__");
        w.Byte(0);
        w.Byte(8);
        w.Int32(library);
        w.Int32((int)value);
    }

    private static void CallContext(NrbfWriter w, int id)
    {
        w.Byte(4);
        w.Int32(id);
        w.String(CallContextTypeName);
        w.Int32(0);
    }

    private static void InlineString(NrbfWriter w, string value)
    {
        w.Byte(18);
        w.String(value);
    }

    private static void InlineNullableInt32(NrbfWriter w, int? value)
    {
        if (value is { } v)
        {
            w.Byte(8);
            w.Int32(v);
        }
        else
        {
            w.Byte(17);
        }
    }

    private static void ReferenceOrNull(NrbfWriter w, int id)
    {
        if (id == 0)
        {
            w.Null();
        }
        else
        {
            w.Reference(id);
        }
    }

    private static SessionStateActions ReadActions(object? value, MonoStateServerMethod method, int index) => value switch
    {
        null => SessionStateActions.None,
        int i => (SessionStateActions)i,
        NrbfClassValue { TypeName: ActionsTypeName } c when c.TryGet("value__", out var v) && v is int i => (SessionStateActions)i,
        _ => throw WrongArgument(method, index, "a SessionStateActions value"),
    };

    private static T Expect<T>(MonoStateServerMethod method, object?[] args, int index, bool nullable)
        where T : struct =>
        args[index] switch
        {
            T value => value,
            null when nullable => default,
            _ => throw WrongArgument(method, index, typeof(T).Name),
        };

    private static T? Member<T>(NrbfClassValue value, string name, bool nullable)
    {
        if (!value.TryGet(name, out var member))
        {
            throw MissingMember(name);
        }

        return member switch
        {
            T typed => typed,
            null when nullable => default,
            _ => throw new RemotingProtocolException($"StateServerItem.{name} is not a {typeof(T).Name}."),
        };
    }

    private static int CheckTimeout(MonoStateServerMethod method, int minutes) =>
        minutes is >= 0 and <= 525_600 ? minutes : throw new RemotingProtocolException($"{method}: the timeout {minutes} is outside 0..525600 minutes.");

    private static RemotingProtocolException MissingMember(string name) => new($"The StateServerItem has no {name} member.");

    private static RemotingProtocolException WrongArgument(MonoStateServerMethod method, int index, string expected) =>
        new($"{method}: argument {index} must be {expected}.");

    private static string Shorten(string? value) =>
        value is null ? "(null)" : value.Length <= 120 ? value : value[..120] + "…";
}
