# The Batch API simulator, for demos and staging. Build from the repository root:
#   docker build -f deploy/simulator.Dockerfile -t report-saga-simulator .
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /source
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
# No BuildKit-only syntax (RUN --mount), so the classic builder and docker-compose 1.x build it too.
RUN dotnet publish src/ReportSaga.Simulator/ReportSaga.Simulator.csproj -c Release -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
WORKDIR /app
ENV DOTNET_ENVIRONMENT=Production \
    ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_NOLOGO=1
EXPOSE 8080
COPY --from=build /app ./
USER $APP_UID
# Healthy once it accepts connections: every Batch API route needs a key, so a TCP check is the neutral one.
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=5 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
ENTRYPOINT ["dotnet", "ReportSaga.Simulator.dll"]
