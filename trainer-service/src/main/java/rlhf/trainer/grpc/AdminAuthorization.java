package rlhf.trainer.grpc;

import java.util.Set;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import jakarta.inject.Singleton;
import rlhf.trainer.service.AdminAccess;
import rlhf.trainer.service.PermissionDeniedException;
import rlhf.trainer.service.UnauthenticatedException;
import rlhf.trainer.v1.TrainerServiceGrpc;

/**
 * Every TrainerService call passes {@link AdminAccess} before the service sees it, with its {@code authorization}
 * metadata ({@code Bearer <token>}): GetJob and ListJobs read, every other method (StartJob, CancelJob, and any
 * added later) changes state. A refused call ends here: UNAUTHENTICATED or PERMISSION_DENIED naming the cause.
 */
@Singleton
public class AdminAuthorization implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Set<String> READS = Set.of(TrainerServiceGrpc.getGetJobMethod().getFullMethodName(),
            TrainerServiceGrpc.getListJobsMethod().getFullMethodName());

    private final AdminAccess access;

    public AdminAuthorization(AdminAccess access) {
        this.access = access;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        AdminAccess.Action action = READS.contains(method) ? AdminAccess.Action.READ : AdminAccess.Action.CHANGE;
        Status refused;
        try {
            access.check(headers.get(AUTHORIZATION), action, call.getMethodDescriptor().getBareMethodName());
            return next.startCall(call, headers);
        } catch (UnauthenticatedException e) {
            refused = Status.UNAUTHENTICATED.withDescription(e.getMessage());
        } catch (PermissionDeniedException e) {
            refused = Status.PERMISSION_DENIED.withDescription(e.getMessage());
        }
        rlhf.service.StatusMessageInterceptor.refuse(call, refused); // encoded as every other description
        return new ServerCall.Listener<>() {
        };
    }
}
