package com.example.plain;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(properties = { "loky.max-workers=1", "loky.worker.startup-cache=off" })
class PlainApplicationTests {

	@Autowired
	PidService pidService;

	@Test
	void processAsyncCallRunsInAWorkerJvm() {
		assertNotEquals(ProcessHandle.current().pid(), this.pidService.pid());
	}

}
