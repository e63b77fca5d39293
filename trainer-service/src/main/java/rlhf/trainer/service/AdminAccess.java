package rlhf.trainer.service;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import rlhf.service.BearerTokens;
import rlhf.trainer.config.TrainerConfig;

/**
 * Who may do what on the admin API, REST and gRPC alike: starting and cancelling jobs needs a key of role
 * {@code admin}; reading (jobs, lineage, the report) is open unless {@code rlhf.trainer.read-requires-token} asks for
 * a key of either role. Keys come from {@code rlhf.trainer.keys.<name>.token/role}; a caller is known by the key's
 * name, its token never appears in a message or a log line.
 */
@Singleton
public class AdminAccess {

    private static final Logger LOG = Logger.getLogger(AdminAccess.class);

    /** What a call does. */
    public enum Action {
        /** Looks: GET /admin/**, GetJob, ListJobs. */
        READ,
        /** Changes state: POST /admin/jobs, POST /admin/jobs/{id}/cancel, StartJob, CancelJob. */
        CHANGE
    }

    private final BearerTokens tokens;
    private final Map<String, TrainerConfig.Role> roles = new LinkedHashMap<>();
    private final boolean readRequiresToken;

    @Inject
    public AdminAccess(TrainerConfig config) {
        this(tokens(config), roles(config), config.readRequiresToken());
    }

    /**
     * @param tokens            the bearer tokens by key name
     * @param roles             the role of each key
     * @param readRequiresToken whether reading needs a key too
     */
    public AdminAccess(Map<String, String> tokens, Map<String, TrainerConfig.Role> roles, boolean readRequiresToken) {
        this.tokens = new BearerTokens(tokens);
        this.roles.putAll(roles);
        this.readRequiresToken = readRequiresToken;
    }

    private static Map<String, String> tokens(TrainerConfig config) {
        Map<String, String> tokens = new LinkedHashMap<>();
        config.keys().forEach((name, key) -> tokens.put(name, key.token()));
        return tokens;
    }

    private static Map<String, TrainerConfig.Role> roles(TrainerConfig config) {
        Map<String, TrainerConfig.Role> roles = new LinkedHashMap<>();
        config.keys().forEach((name, key) -> roles.put(name, key.role()));
        return roles;
    }

    void onStart(@Observes StartupEvent event) {
        if (tokens.isEmpty()) {
            LOG.warn("no admin keys configured (rlhf.trainer.keys.<name>.token/role): starting and cancelling jobs "
                    + "over the API is refused");
        }
    }

    /**
     * Checks a call.
     *
     * @param authorization the {@code Authorization} header or {@code authorization} gRPC metadata; null when absent
     * @param what          the call, for the message (e.g. {@code StartJob} or {@code POST /admin/jobs})
     * @return the name of the caller's key, or {@code anonymous} for an open read
     * @throws UnauthenticatedException without a known bearer token where one is needed
     * @throws PermissionDeniedException for a read-only key on a state-changing call
     */
    public String check(String authorization, Action action, String what) {
        if (action == Action.READ && !readRequiresToken) {
            return "anonymous";
        }
        if (tokens.isEmpty()) {
            throw new UnauthenticatedException(what + " needs an admin key, and this trainer has none configured "
                    + "(rlhf.trainer.keys.<name>.token/role)");
        }
        String name;
        try {
            name = tokens.keyName(authorization);
        } catch (BearerTokens.Refused e) {
            throw new UnauthenticatedException(e.getMessage());
        }
        if (action == Action.CHANGE && roles.get(name) != TrainerConfig.Role.ADMIN) {
            throw new PermissionDeniedException(what + " needs an admin key; key '" + name + "' is read-only");
        }
        return name;
    }
}
