# kyrage as a container: `docker build -t kyrage .`, then
#   docker run --rm -v "$PWD:/work" -e DATABASE_URL kyrage apply
# Build stage: the official Deno image compiles the single binary.
FROM denoland/deno:2.9.6 AS build
WORKDIR /src
COPY . .
RUN deno task compile

# Run stage: glibc and nothing else; the binary embeds Deno, kyrage and PGlite.
FROM gcr.io/distroless/cc-debian12
COPY --from=build /src/dist/kyrage /usr/local/bin/kyrage
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/kyrage"]
CMD ["--help"]
