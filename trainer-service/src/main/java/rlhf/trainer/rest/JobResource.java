package rlhf.trainer.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import rlhf.trainer.jobs.InvalidParameterException;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.service.JobRunner;

/** REST admin edge of the trainer: start, watch and cancel training jobs (the same jobs as the command line). */
@Path("/admin/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class JobResource {

    private final JobRunner runner;

    public JobResource(JobRunner runner) {
        this.runner = runner;
    }

    /** 202 with the started job; 400 naming a bad parameter; 409 when busy or an input is missing. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public RestResponse<JobView> start(StartJobBody body) {
        if (body == null || body.kind() == null || body.kind().isBlank()) {
            throw new InvalidParameterException("kind", "required: PRETRAIN, SFT, REWARD_MODEL, PPO or ONLINE_ITERATION");
        }
        JobView job = JobView.of(runner.start(JobKind.parse(body.kind()), strings(body.parameters())));
        return RestResponse.status(RestResponse.Status.ACCEPTED, job);
    }

    @GET
    public List<JobView> list() {
        return runner.list().stream().map(JobView::of).toList();
    }

    @GET
    @Path("{id}")
    public JobView get(@PathParam("id") String id) {
        return JobView.of(runner.get(id));
    }

    @POST
    @Path("{id}/cancel")
    public JobView cancel(@PathParam("id") String id) {
        return JobView.of(runner.cancel(id));
    }

    private static Map<String, String> strings(Map<String, Object> parameters) {
        Map<String, String> strings = new LinkedHashMap<>();
        if (parameters != null) {
            parameters.forEach((k, v) -> {
                if (v == null || v instanceof Map || v instanceof List) {
                    throw new InvalidParameterException(k, "must be a string, number or boolean");
                }
                strings.put(k, v.toString());
            });
        }
        return strings;
    }
}
