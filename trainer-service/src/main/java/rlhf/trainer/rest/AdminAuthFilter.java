package rlhf.trainer.rest;

import java.util.Set;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import rlhf.trainer.service.AdminAccess;

/**
 * Every request to {@code /admin/**} passes {@link AdminAccess} before its resource method runs: GET and HEAD read,
 * any other method changes state. One filter rather than a check per method, so a new endpoint cannot forget it;
 * refusals leave through {@link AdminErrors} (401, 403).
 */
public class AdminAuthFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final AdminAccess access;

    public AdminAuthFilter(AdminAccess access) {
        this.access = access;
    }

    @ServerRequestFilter
    public void authorize(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        String relative = path.startsWith("/") ? path.substring(1) : path;
        if (!relative.equals("admin") && !relative.startsWith("admin/")) {
            return;
        }
        AdminAccess.Action action = READS.contains(request.getMethod()) ? AdminAccess.Action.READ
                : AdminAccess.Action.CHANGE;
        access.check(request.getHeaderString(HttpHeaders.AUTHORIZATION), action, request.getMethod() + " /" + relative);
    }
}
