package dev.loky.spring.invocation;

import dev.loky.spring.ProcessAsync;
import dev.loky.spring.autoconfigure.LokyAutoConfiguration;

import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.lang.reflect.Proxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bean that is a plain JDK proxy (made by a library, not by Spring AOP) with {@code @ProcessAsync}
 * on its interface: it is advised through that interface, and the call names the interface, which
 * a worker can load, never the proxy's generated class. Before, loky tried to subclass the proxy
 * class with CGLIB and the context failed to start.
 */
class JdkProxyBeanTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LokyAutoConfiguration.class, JacksonAutoConfiguration.class))
            .withUserConfiguration(Beans.class)
            .withPropertyValues("loky.start-method=threads", "loky.max-workers=1");

    @Test
    void aLibrarysJdkProxyIsAdvisedThroughItsInterfaceAndItsCallRunsInThePool() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            Greeter greeter = context.getBean(Greeter.class);
            assertThat(AopUtils.isJdkDynamicProxy(greeter)).isTrue();
            // what the call names: the interface (a worker loads it), never the proxy's generated class
            Object library = ((org.springframework.aop.framework.Advised) greeter).getTargetSource().getTarget();
            assertThat(ProcessAsyncAnnotationBeanPostProcessor.processAsyncClass(library)).isEqualTo(Greeter.class);
            String caller = Thread.currentThread().getName();
            String answer = greeter.greet("ada");
            assertThat(answer).startsWith("hello ada from ");
            assertThat(answer).as("ran on a pool thread, not the caller's").doesNotEndWith(caller);
        });
    }

    public interface Greeter {
        @ProcessAsync
        String greet(String name);
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {
        @Bean
        Greeter greeter() {
            return (Greeter) Proxy.newProxyInstance(Greeter.class.getClassLoader(), new Class<?>[] {Greeter.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "greet" -> "hello " + args[0] + " from " + Thread.currentThread().getName();
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "greeter";
                    });
        }
    }
}
