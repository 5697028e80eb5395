-- Issue 17. Whether a document is signed, without reading it: `signed_sha256` comes after the PDF in its row, so
-- reading it walked the PDF's whole overflow chain (the archive's list of 10,000 documents read 2.4 GB for it;
-- every worklist and the decisions list read each PDF they asked about). These indexes answer it themselves.
CREATE INDEX decision_documents_signed ON decision_documents (decision_id, signed_sha256);
CREATE INDEX minutes_documents_signed ON minutes_documents (meeting_id, signed_sha256);
