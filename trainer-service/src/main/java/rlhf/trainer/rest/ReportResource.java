package rlhf.trainer.rest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import rlhf.trainer.config.TrainerConfig;

/**
 * {@code GET /admin/report}: the online run's report ({@code report.html} in the data folder, written by the demo's
 * weeks: charts of PPO, the reward models, Elo, Likert, win rates and labeler agreement), or 404 saying how to get one.
 */
@jakarta.ws.rs.Path("/admin/report")
@Blocking
public class ReportResource {

    /** The report's name in the data folder. */
    public static final String FILE = "report.html";

    private final Path report;

    public ReportResource(TrainerConfig config) {
        this.report = Path.of(config.dataDir()).resolve(FILE);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public RestResponse<String> report() {
        if (!Files.isRegularFile(report)) {
            return RestResponse.status(RestResponse.Status.NOT_FOUND, "<!doctype html><html lang=\"en\"><head>"
                    + "<meta charset=\"utf-8\"><title>No report yet</title></head><body><p>No report yet: it is written "
                    + "to " + report.toAbsolutePath() + " after the online weeks of <code>./rlhf demo</code>.</p>"
                    + "</body></html>");
        }
        try {
            return RestResponse.ok(Files.readString(report));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
