/* A stand-in worker: sums the primes below a bound, so the image has a program that does some work. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long bound = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    long sum = 0;
    for (long n = 2; n < bound; n++) {
        int prime = 1;
        for (long d = 2; d * d <= n; d++) {
            if (n % d == 0) {
                prime = 0;
                break;
            }
        }
        if (prime) sum += n;
    }
    printf("worker: sum of primes below %ld = %ld\n", bound, sum);
    return 0;
}
