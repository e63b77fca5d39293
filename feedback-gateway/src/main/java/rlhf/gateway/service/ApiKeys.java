package rlhf.gateway.service;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import rlhf.gateway.config.GatewayConfig;
import rlhf.service.BearerTokens;

/** The configured API keys: a bearer token in, the caller out; compared in constant time. */
@ApplicationScoped
public class ApiKeys {

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);

    private final Map<String, GatewayConfig.ApiKey> keys;
    private final BearerTokens tokens;

    public ApiKeys(GatewayConfig config) {
        this.keys = Map.copyOf(config.keys());
        Map<String, String> byName = new LinkedHashMap<>();
        keys.forEach((name, key) -> byName.put(name, key.token()));
        this.tokens = new BearerTokens(byName, "API key");
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
        String name;
        try {
            name = tokens.keyName(authorization);
        } catch (BearerTokens.Refused e) {
            throw new UnauthenticatedException(e.getMessage());
        }
        GatewayConfig.ApiKey key = keys.get(name);
        return new Caller(name, key.role(), key.labelerId());
    }

    /** The per-second budget of a key. */
    public int perSecond(String keyName) {
        return keys.get(keyName).perSecond();
    }
}
