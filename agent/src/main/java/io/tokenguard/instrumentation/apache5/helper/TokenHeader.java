package io.tokenguard.instrumentation.apache5.helper;

import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpRequestInterceptor;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * The last request interceptor of an equipped client: HttpClient 5 runs request interceptors in its final
 * chain element, just before the request is written, so this is the first place that sees the header
 * the program's interceptors and default headers set. It puts on the token of the {@link TokenSlot} the
 * retry handler left in the context, if any; it never decides or waits itself.
 */
final class TokenHeader implements HttpRequestInterceptor {
    @Override
    public void process(HttpRequest request, EntityDetails entity, HttpContext context) {
        Object slot = context.getAttribute(TokenSlot.ATTRIBUTE);
        if (slot instanceof TokenSlot) {
            ((TokenSlot) slot).applyTo(request);
        }
    }
}
