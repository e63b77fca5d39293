package rlhf.trainer.service;

/** No job with this id ran in this trainer process. */
public final class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(String id) {
        super("job_id: no job '" + id + "' in this trainer");
    }
}
