package dev.loky.benchmarks.spring;

import dev.loky.benchmarks.PdfReports;
import dev.loky.spring.ProcessAsync;

import org.springframework.stereotype.Service;

/** {@link PdfReports}' report as a PDF service's bean renders it: in a worker JVM, the bytes returned as JSON. */
@Service
public class PdfReportService {

    /** A report of {@code rows} rows, as PDF bytes. */
    @ProcessAsync
    public byte[] report(int rows) {
        return PdfReports.report(rows);
    }
}
