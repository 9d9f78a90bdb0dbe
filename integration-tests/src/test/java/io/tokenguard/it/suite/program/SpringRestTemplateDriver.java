package io.tokenguard.it.suite.program;

import java.net.URI;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.HttpStatusCodeException;
import org.springframework.web.client.RestTemplate;

/** Spring's {@code RestTemplate} on {@code SimpleClientHttpRequestFactory}, i.e. on HttpURLConnection. */
public final class SpringRestTemplateDriver implements Driver {
    private final RestTemplate template = new RestTemplate(new SimpleClientHttpRequestFactory());

    @Override
    public Reply send(Call call) {
        HttpHeaders headers = new HttpHeaders();
        headers.set("Authorization", Call.PLACEHOLDER);
        if (call.contentType != null) {
            headers.set("Content-Type", call.contentType);
        }
        try {
            ResponseEntity<String> response = template.exchange(URI.create(call.url.toString()),
                    HttpMethod.valueOf(call.method), new HttpEntity<>(call.body, headers), String.class);
            return new Reply(response.getStatusCode().value(), response.getBody());
        } catch (HttpStatusCodeException e) {
            return new Reply(e.getStatusCode().value(), e.getResponseBodyAsString());
        }
    }
}
