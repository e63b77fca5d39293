package rlhf.trainer.rest;

import java.nio.file.Path;
import java.util.Set;

import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import rlhf.model.store.CheckpointStore;
import rlhf.trainer.config.TrainerConfig;
import rlhf.trainer.jobs.InvalidParameterException;
import rlhf.trainer.online.Lineages;

/**
 * {@code GET /admin/lineage/{kind}/{version}}: a stored version's lineage as a tree — metrics, data sets (a comparison
 * snapshot with its Kafka offset ranges and counts) and its parents down to the base model.
 */
@jakarta.ws.rs.Path("/admin/lineage")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class LineageResource {

    private static final Set<String> KINDS = Set.of("base", "sft", "reward", "policy");

    private final Lineages lineages;

    public LineageResource(TrainerConfig config) {
        this.lineages = new Lineages(new CheckpointStore(Path.of(config.modelStore())));
    }

    /** 200 with the tree; 400 naming a bad kind or version; 404 when the version is not in the store. */
    @GET
    @jakarta.ws.rs.Path("{kind}/{version}")
    public RestResponse<Object> lineage(@PathParam("kind") String kind, @PathParam("version") String version) {
        if (!KINDS.contains(kind)) {
            throw new InvalidParameterException("kind", "must be base, sft, reward or policy, got '" + kind + "'");
        }
        int v;
        try {
            v = Integer.parseInt(version.startsWith("v") ? version.substring(1) : version);
        } catch (NumberFormatException e) {
            throw new InvalidParameterException("version", "must be a version number (3 or v3), got '" + version + "'");
        }
        if (v < 1) {
            throw new InvalidParameterException("version", "must be >= 1");
        }
        try {
            return RestResponse.ok(lineages.of(kind, v));
        } catch (IllegalArgumentException e) {
            return RestResponse.status(RestResponse.Status.NOT_FOUND, new AdminErrors.Error(e.getMessage(), null));
        }
    }
}
