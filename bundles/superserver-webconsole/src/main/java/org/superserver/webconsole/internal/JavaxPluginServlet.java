package org.superserver.webconsole.internal;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The page as a Web Console 4 plugin (javax.servlet, as in Karaf 4.4); enabled by {@link ServletApiSelector}. */
@Component(service = javax.servlet.Servlet.class, enabled = false, property = {
        "felix.webconsole.label=" + SuperserverPage.LABEL,
        "felix.webconsole.title=" + SuperserverPage.TITLE,
        "felix.webconsole.category=" + SuperserverPage.CATEGORY})
public final class JavaxPluginServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Reference
    transient SuperserverPage page;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        page.serve(new PageExchange() {
            @Override
            public String method() {
                return request.getMethod();
            }

            @Override
            public String requestUri() {
                return request.getRequestURI();
            }

            @Override
            public String parameter(String name) {
                return request.getParameter(name);
            }

            @Override
            public String appRoot() {
                Object root = request.getAttribute("felix.webconsole.appRoot");
                return root == null ? null : root.toString();
            }

            @Override
            public void respond(int status, String contentType, String body) throws IOException {
                if (!response.isCommitted() && !"text/html".equals(contentType)) {
                    response.setStatus(status);
                    response.setContentType(contentType);
                    response.setCharacterEncoding("UTF-8");
                }
                response.getWriter().write(body);
            }

            @Override
            public void redirect(String location) {
                response.setStatus(303);
                response.setHeader("Location", location);
            }
        });
    }
}
