package rlhf.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named bearer tokens from configuration: which key an {@code Authorization: Bearer <token>} value carries. Every
 * configured token is compared, in constant time, so the answer takes as long for a near miss as for a stranger. A
 * token never appears in a message or a log line: callers are known by the key's name.
 */
public final class BearerTokens {

    private final Map<String, byte[]> tokens = new LinkedHashMap<>();
    private final String noun;

    /** @param tokensByName the configured tokens by key name */
    public BearerTokens(Map<String, String> tokensByName) {
        this(tokensByName, "token");
    }

    /**
     * @param tokensByName the configured tokens by key name
     * @param noun         what the service calls its tokens in messages, e.g. {@code API key}
     */
    public BearerTokens(Map<String, String> tokensByName, String noun) {
        tokensByName.forEach((name, token) -> tokens.put(name, token.getBytes(StandardCharsets.UTF_8)));
        this.noun = noun;
    }

    public boolean isEmpty() {
        return tokens.isEmpty();
    }

    /**
     * The name of the key whose token {@code authorization} carries.
     *
     * @param authorization the {@code Authorization} header or {@code authorization} gRPC metadata; null when absent
     * @throws Refused when it is absent, not a bearer token, or carries no configured token
     */
    public String keyName(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new Refused("required: Bearer <" + noun + ">");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Refused("not a bearer token");
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        String match = null;
        for (Map.Entry<String, byte[]> e : tokens.entrySet()) {
            if (MessageDigest.isEqual(given, e.getValue()) && match == null) {
                match = e.getKey();
            }
        }
        if (match == null) {
            throw new Refused("unknown " + noun);
        }
        return match;
    }

    /** A missing, malformed or unknown token; the message says which, never the token. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message, null, false, false); // a client error: no stack trace worth keeping
        }
    }
}
