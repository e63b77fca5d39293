package rlhf.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import rlhf.trainer.config.TrainerConfig.Role;

/** Who may do what: the rules of the admin API without a container (the services' tests show them over real ports). */
class AdminAccessTest {

    private static final String ADMIN = "admin-token-0123456789";
    private static final String READER = "reader-token-0123456789";

    private static AdminAccess access(boolean readRequiresToken) {
        return new AdminAccess(Map.of("ops", ADMIN, "dashboard", READER), Map.of("ops", Role.ADMIN, "dashboard", Role.READ),
                readRequiresToken);
    }

    @Test
    void changesNeedAnAdminKey() {
        AdminAccess access = access(false);
        assertThat(access.check("Bearer " + ADMIN, AdminAccess.Action.CHANGE, "StartJob")).isEqualTo("ops");
        assertThat(access.check("bearer  " + ADMIN + " ", AdminAccess.Action.CHANGE, "StartJob")).isEqualTo("ops");
        assertThatThrownBy(() -> access.check(null, AdminAccess.Action.CHANGE, "StartJob"))
                .isInstanceOf(UnauthenticatedException.class).hasMessage("authorization: required: Bearer <token>");
        assertThatThrownBy(() -> access.check("Bearer " + ADMIN + "x", AdminAccess.Action.CHANGE, "StartJob"))
                .isInstanceOf(UnauthenticatedException.class).hasMessage("authorization: unknown token");
        assertThatThrownBy(() -> access.check("Basic " + ADMIN, AdminAccess.Action.CHANGE, "StartJob"))
                .isInstanceOf(UnauthenticatedException.class).hasMessage("authorization: not a bearer token");
        assertThatThrownBy(() -> access.check("Bearer " + READER, AdminAccess.Action.CHANGE, "CancelJob"))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessage("authorization: CancelJob needs an admin key; key 'dashboard' is read-only");
    }

    @Test
    void readsAreOpenUnlessConfiguredOtherwise() {
        assertThat(access(false).check(null, AdminAccess.Action.READ, "GetJob")).isEqualTo("anonymous");
        AdminAccess keyed = access(true);
        assertThatThrownBy(() -> keyed.check(null, AdminAccess.Action.READ, "GetJob"))
                .isInstanceOf(UnauthenticatedException.class);
        assertThat(keyed.check("Bearer " + READER, AdminAccess.Action.READ, "GetJob")).isEqualTo("dashboard");
        assertThat(keyed.check("Bearer " + ADMIN, AdminAccess.Action.READ, "ListJobs")).isEqualTo("ops");
    }

    @Test
    void withoutKeysEveryChangeIsRefusedSayingWhy() {
        AdminAccess none = new AdminAccess(Map.of(), Map.of(), false);
        assertThatThrownBy(() -> none.check("Bearer anything-at-all-000", AdminAccess.Action.CHANGE, "POST /admin/jobs"))
                .isInstanceOf(UnauthenticatedException.class)
                .hasMessageContaining("POST /admin/jobs needs an admin key, and this trainer has none configured "
                        + "(rlhf.trainer.keys.<name>.token/role)");
        assertThat(none.check(null, AdminAccess.Action.READ, "GET /admin/jobs")).isEqualTo("anonymous");
    }

    @Test
    void noMessageCarriesTheToken() {
        AdminAccess access = access(true);
        for (String header : new String[] {"Bearer " + ADMIN + "x", "Bearer " + READER}) {
            assertThatThrownBy(() -> access.check(header, AdminAccess.Action.CHANGE, "StartJob"))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(ADMIN).doesNotContain(READER));
        }
    }
}
