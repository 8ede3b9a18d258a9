package dev.loky.sample;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The sample's endpoints with {@code loky.start-method=threads} (no worker JVMs: fast); the fat-jar
 * integration test runs the real thing.
 */
@SpringBootTest(properties = {"loky.start-method=threads", "loky.prestart=false"})
@AutoConfigureMockMvc
class SampleApplicationTests {

    @Autowired
    MockMvc mvc;

    @Test
    void countsPrimes() throws Exception {
        mvc.perform(get("/primes").param("to", "100")).andExpect(status().isOk()).andExpect(jsonPath("$.primes").value(25));
        mvc.perform(get("/primes/parallel").param("to", "100").param("parts", "4")).andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(4));
    }

    @Test
    void badArgumentsAre400() throws Exception {
        mvc.perform(get("/primes").param("from", "10").param("to", "5")).andExpect(status().isBadRequest());
    }

    @Test
    void auditIsAccepted() throws Exception {
        mvc.perform(post("/audit").param("event", "login")).andExpect(status().isAccepted());
    }

    @Test
    void actuatorShowsThePool() throws Exception {
        mvc.perform(get("/actuator/health/loky")).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("UP"))
                .andExpect(jsonPath("$.details.maxWorkers").value(2));
        mvc.perform(get("/actuator/loky")).andExpect(status().isOk()).andExpect(jsonPath("$.startMethod").value("threads"));
        mvc.perform(get("/actuator/metrics/loky.pool.max")).andExpect(status().isOk())
                .andExpect(jsonPath("$.measurements[0].value").value(2.0));
    }

    @Test
    void poolSnapshot() throws Exception {
        mvc.perform(get("/pool")).andExpect(status().isOk()).andExpect(jsonPath("$.startMethod").value("THREADS"));
    }
}
