using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReportSaga.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SubmissionSlotStepToken : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "step_token",
                table: "submission_slot",
                type: "uuid",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "step_token",
                table: "submission_slot");
        }
    }
}
