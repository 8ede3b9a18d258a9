package dev.loky.spring.diagnostics;

import dev.loky.spring.ProcessAsync;
import dev.loky.spring.ScopedDependencyException;
import dev.loky.spring.autoconfigure.LokyAutoConfiguration;

import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.context.annotation.RequestScope;
import org.springframework.web.context.annotation.SessionScope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @ProcessAsync} bean that reaches a request- or session-scoped bean fails start-up with
 * the chain and the fix. Before, such an application started, and the first call failed in the
 * worker (after the worker built the bean's whole closure) with "No Scope registered for scope
 * name 'request'".
 */
class ScopedDependencyTests {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LokyAutoConfiguration.class, JacksonAutoConfiguration.class));

    @Test
    void aRequestScopedBeanTwoStepsAwayFailsStartupNamingTheChainAndTheFix() {
        runner.withUserConfiguration(RequestScopedChain.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(ScopedDependencyException.class);
            ScopedDependencyException cause = (ScopedDependencyException) rootCause(context.getStartupFailure());
            assertThat(cause.beanName()).isEqualTo("renderingService");
            assertThat(cause.chain()).containsExactly("renderingService", "templateLoader", "currentUser");
            assertThat(cause.scope()).isEqualTo("request");

            FailureAnalysis analysis = new ScopedDependencyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("'renderingService'").contains("request-scoped bean 'currentUser'")
                    .contains("renderingService -> templateLoader -> currentUser");
            assertThat(analysis.getAction()).contains("as arguments of the @ProcessAsync method").contains("a bean of its own");
        });
    }

    @Test
    void aSessionScopedDependencyFailsStartupToo() {
        runner.withUserConfiguration(SessionScopedDependency.class).run(context -> {
            assertThat(context).hasFailed();
            ScopedDependencyException cause = (ScopedDependencyException) rootCause(context.getStartupFailure());
            assertThat(cause.chain()).containsExactly("cartService", "cart");
            assertThat(cause.scope()).isEqualTo("session");
        });
    }

    /** The pattern docs/spring.md shows: the request is read outside, the pure work is its own @ProcessAsync bean. */
    @Test
    void theRefactoredShapeStarts() {
        runner.withUserConfiguration(Refactored.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(AopUtils.isAopProxy(context.getBean(PureRenderer.class))).isTrue();
        });
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    public static class CurrentUser {
        public String name() {
            return "ada";
        }
    }

    public static class TemplateLoader {
        private final CurrentUser user;

        public TemplateLoader(CurrentUser user) {
            this.user = user;
        }

        public String load(String template) {
            return template + " for " + user.name();
        }
    }

    public static class RenderingService {
        private final TemplateLoader loader;

        public RenderingService(TemplateLoader loader) {
            this.loader = loader;
        }

        @ProcessAsync
        public String render(String template) {
            return loader.load(template);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class RequestScopedChain {
        @Bean
        @RequestScope
        CurrentUser currentUser() {
            return new CurrentUser();
        }

        @Bean
        TemplateLoader templateLoader(CurrentUser currentUser) {
            return new TemplateLoader(currentUser);
        }

        @Bean
        RenderingService renderingService(TemplateLoader templateLoader) {
            return new RenderingService(templateLoader);
        }
    }

    public static class Cart {
    }

    public static class CartService {
        private final Cart cart;

        public CartService(Cart cart) {
            this.cart = cart;
        }

        @ProcessAsync
        public int total(int items) {
            return cart.hashCode() == 0 ? 0 : items;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SessionScopedDependency {
        @Bean
        @SessionScope
        Cart cart() {
            return new Cart();
        }

        @Bean
        CartService cartService(Cart cart) {
            return new CartService(cart);
        }
    }

    /** Takes the request's values as arguments: no scoped dependency. */
    public static class PureRenderer {
        @ProcessAsync
        public String render(String template, String userName) {
            return template + " for " + userName;
        }
    }

    /** Reads the request in the caller's JVM and passes its values on. */
    public static class RenderingFacade {
        private final CurrentUser user;
        private final PureRenderer renderer;

        public RenderingFacade(CurrentUser user, PureRenderer renderer) {
            this.user = user;
            this.renderer = renderer;
        }

        public String render(String template) {
            return renderer.render(template, user.name());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Refactored {
        @Bean
        @RequestScope
        CurrentUser currentUser() {
            return new CurrentUser();
        }

        @Bean
        PureRenderer pureRenderer() {
            return new PureRenderer();
        }

        @Bean
        RenderingFacade renderingFacade(CurrentUser currentUser, PureRenderer pureRenderer) {
            return new RenderingFacade(currentUser, pureRenderer);
        }
    }
}
