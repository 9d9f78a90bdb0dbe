package io.tokenguard.it.suite.program;

import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.javanet.NetHttpTransport;
import java.io.IOException;

/** google-http-client on its {@code NetHttpTransport} (HttpURLConnection), as Google's Java SDKs use it. */
public final class GoogleHttpDriver implements Driver {
    private final HttpRequestFactory requests = new NetHttpTransport().createRequestFactory();

    @Override
    public Reply send(Call call) throws IOException {
        HttpRequest request = requests.buildRequest(call.method, new GenericUrl(call.url),
                call.body == null ? null : new ByteArrayContent(call.contentType, call.body));
        request.getHeaders().setAuthorization(Call.PLACEHOLDER);
        request.setThrowExceptionOnExecuteError(false);
        HttpResponse response = request.execute();
        try {
            return new Reply(response.getStatusCode(), response.parseAsString());
        } finally {
            response.disconnect();
        }
    }
}
