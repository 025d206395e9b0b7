/**
 * An application that uses nst as another team would: its own POM importing nst's BOM, one
 * {@code main} that stylises a small image on whichever backend its dependencies bring.
 */
package com.example.nstconsumer;
