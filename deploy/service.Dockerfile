# The ReportSaga service. Build from the repository root:
#   docker build -f deploy/service.Dockerfile -t report-saga-service .
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /source
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
# No BuildKit-only syntax (RUN --mount), so the classic builder and docker-compose 1.x build it too.
RUN dotnet publish src/ReportSaga.Service/ReportSaga.Service.csproj -c Release -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
WORKDIR /app
# Production makes a missing bus, storage or Batch API setting a startup error instead of an embedded fallback.
# ASPNETCORE_HTTP_PORTS is emptied so ASPNETCORE_URLS alone decides the binding (no override warning).
ENV DOTNET_ENVIRONMENT=Production \
    ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_NOLOGO=1
EXPOSE 8080
# Files stay owned by root: the app user can read them, not change them.
COPY --from=build /app ./
# The non-root user the .NET images ship (uid 1654); numeric, so Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
# Liveness only: readiness (bus, database) belongs to the orchestrator's probe, not to a restart decision.
# The image has bash but no curl, so the request is written by hand.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "ReportSaga.Service.dll"]
