package rlhf.gateway.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import rlhf.gateway.config.GatewayConfig;

/** The configured API keys: a bearer token in, the caller out; compared in constant time. */
@ApplicationScoped
public class ApiKeys {

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);

    private final Map<String, GatewayConfig.ApiKey> keys;

    public ApiKeys(GatewayConfig config) {
        this.keys = Map.copyOf(config.keys());
        keys.forEach((name, key) -> {
            if (key.role() == GatewayConfig.Role.LABELER && key.labelerId().isEmpty()) {
                throw new IllegalStateException("rlhf.gateway.keys." + name + ".labeler-id: required for a labeler key");
            }
        });
    }

    void onStart(@Observes StartupEvent event) {
        if (keys.isEmpty()) {
            LOG.warn("no API keys configured (rlhf.gateway.keys.<name>.token/role): every submission is refused");
        }
    }

    /**
     * The caller of an {@code Authorization} header value.
     *
     * @throws UnauthenticatedException when it is absent, not a bearer token, or an unknown token
     */
    public Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new UnauthenticatedException("required: Bearer <API key>");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new UnauthenticatedException("not a bearer token");
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        Optional<Map.Entry<String, GatewayConfig.ApiKey>> match = keys.entrySet().stream()
                .filter(e -> MessageDigest.isEqual(given, e.getValue().token().getBytes(StandardCharsets.UTF_8)))
                .findFirst();
        GatewayConfig.ApiKey key = match.map(Map.Entry::getValue)
                .orElseThrow(() -> new UnauthenticatedException("unknown API key"));
        return new Caller(match.get().getKey(), key.role(), key.labelerId());
    }

    /** The per-second budget of a key. */
    public int perSecond(String keyName) {
        return keys.get(keyName).perSecond();
    }
}
