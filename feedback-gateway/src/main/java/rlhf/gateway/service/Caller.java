package rlhf.gateway.service;

import java.util.Optional;

import rlhf.gateway.config.GatewayConfig.Role;

/**
 * Who is calling: the API key's name (for limits and logs, never its token), its role and, for a labeler key, the
 * labeler it speaks for.
 */
public record Caller(String keyName, Role role, Optional<String> labelerId) {

    /** May this caller submit a comparison ranked by {@code labelerId}? A labeler only as itself. */
    public void checkMaySubmitAs(String labelerId) {
        if (role == Role.LABELER && !labelerId.equals(this.labelerId.orElse(""))) {
            throw new ForbiddenException("comparison.labeler_id", "this key submits as labeler '"
                    + this.labelerId.orElse("") + "' only, not as '" + labelerId + "'");
        }
    }

    /** Is this caller an operator? */
    public void checkAdmin(String action) {
        if (role != Role.ADMIN) {
            throw new ForbiddenException("authorization", action + " needs an admin key; this key is "
                    + role.name().toLowerCase());
        }
    }

    /** May this caller do {@code action}? Admin keys may do everything. */
    public void checkRole(Role needed, String action) {
        if (role != needed && role != Role.ADMIN) {
            throw new ForbiddenException("authorization", action + " needs a " + needed.name().toLowerCase()
                    + " key; this key is " + role.name().toLowerCase());
        }
    }
}
