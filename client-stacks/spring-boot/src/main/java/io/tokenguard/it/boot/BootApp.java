package io.tokenguard.it.boot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * {@code BootApp --api.url=URL --calls=N}: a Spring Boot application that knows nothing about tokenguard. Its
 * runner calls the protected API N times through a RestClient from the auto-configured builder, sending the
 * placeholder token; it logs the same lines whatever the answers, and prints {@code status=CODE} for each call
 * and at the end {@code calls=N failures=M} on standard output.
 */
@SpringBootApplication
public class BootApp implements ApplicationRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BootApp.class);

    private final RestClient.Builder builder;

    public BootApp(RestClient.Builder builder) {
        this.builder = builder;
    }

    public static void main(String[] args) {
        SpringApplication.run(BootApp.class, args);
    }

    @Override
    public void run(ApplicationArguments args) {
        String url = args.getOptionValues("api.url").get(0);
        int calls = Integer.parseInt(args.getOptionValues("calls").get(0));
        RestClient client = builder.defaultHeader("Authorization", "Bearer placeholder").build();
        LOG.info("calling the API {} times", calls);
        int failures = 0;
        for (int i = 1; i <= calls; i++) {
            int status;
            try {
                ResponseEntity<String> response = client.get().uri(url).retrieve()
                        .onStatus(code -> true, (request, answer) -> { })
                        .toEntity(String.class);
                status = response.getStatusCode().value();
            } catch (RuntimeException e) {
                status = -1;
                System.out.println("exception=" + e);
            }
            if (status != 200) {
                failures++;
            }
            LOG.info("call {} answered", i);
            System.out.println("status=" + status);
        }
        LOG.info("done");
        System.out.println("calls=" + calls + " failures=" + failures);
    }
}
