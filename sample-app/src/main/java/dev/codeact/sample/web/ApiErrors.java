package dev.codeact.sample.web;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Errors as RFC 9457 problem details ({@code application/problem+json}): {@code status}, {@code title} and a
 * {@code detail} that says what to do.
 */
@RestControllerAdvice
class ApiErrors extends ResponseEntityExceptionHandler {

    /** A request the API rejects, with the status and the message for the caller. */
    static final class ApiException extends ErrorResponseException {
        ApiException(HttpStatus status, String detail) {
            super(status, ProblemDetail.forStatusAndDetail(status, detail), null);
        }
    }

    static ApiException badRequest(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, detail);
    }

    static ApiException notFound(String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, detail);
    }

    static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, detail);
    }

    static ApiException unavailable(String detail) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, detail);
    }

    static ApiException badGateway(String detail) {
        return new ApiException(HttpStatus.BAD_GATEWAY, detail);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status,
                "The request body must be a JSON object, e.g. {\"code\": \"return 1 + 1\"} for /api/execute "
                        + "or {\"message\": \"...\"} for /api/chat");
        return handleExceptionInternal(ex, body, headers, status, request);
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> api(ApiException ex, WebRequest request) {
        return handleExceptionInternal(ex, ex.getBody(), ex.getHeaders(), ex.getStatusCode(), request);
    }
}
