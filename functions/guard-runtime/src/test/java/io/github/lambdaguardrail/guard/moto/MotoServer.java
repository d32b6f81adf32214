package io.github.lambdaguardrail.guard.moto;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The moto server the tests talk to: {@code -Dmoto.endpoint}, as {@code make test} passes it. */
public final class MotoServer {

    public static final URI ENDPOINT = URI.create(System.getProperty("moto.endpoint", "http://127.0.0.1:5000"));

    private static volatile boolean motoAnswered;

    private MotoServer() {
    }

    /** Fails (never skips) when moto server does not answer, saying how to start it. */
    public static void require() {
        if (motoAnswered) {
            return;
        }
        URI probe = ENDPOINT.resolve("/moto-api/");
        String problem;
        try {
            HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(3)).GET().build(),
                            HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 200) {
                motoAnswered = true;
                return;
            }
            problem = "HTTP " + response.statusCode();
        } catch (IOException e) {
            problem = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = e.toString();
        }
        fail("moto server does not answer at " + probe + " (" + problem + "). Run `tools/moto-start` first "
                + "(`make test` does), or point -Dmoto.endpoint at a running moto server.");
    }
}
