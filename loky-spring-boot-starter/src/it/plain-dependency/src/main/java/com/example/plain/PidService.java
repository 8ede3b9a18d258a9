package com.example.plain;

import dev.loky.spring.ProcessAsync;
import org.springframework.stereotype.Service;

@Service
public class PidService {

	/** Runs in a worker JVM, so the pid differs from the caller's. */
	@ProcessAsync
	public long pid() {
		return ProcessHandle.current().pid();
	}

}
